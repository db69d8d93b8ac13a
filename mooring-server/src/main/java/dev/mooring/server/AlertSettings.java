package dev.mooring.server;

import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.AlertWebhook;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * When {@link HealthAlerts} raises an alert and whom it tells: the {@code alerts:} section of {@code sync.yaml}
 * ({@link SyncConfig#alerts()}). Immutable; {@code withX} returns a changed copy.
 *
 * <pre>{@code
 * AlertSettings.defaults().withThreshold(Alert.PENDING_CONFLICTS, 50).withAlertOff(Alert.CONFLICT_RATE)
 *         .withWebhook(URI.create("https://alerts.example.com/mooring?token=…"))
 * }</pre>
 *
 * @param thresholds     the alerts that are on, each with the value above which it fires, in the alert's base unit
 *                       (see {@link Alert}); an alert that is absent is off
 * @param every          how often the alerts are evaluated (at least 1 s)
 * @param webhook        where a {@code firing} or {@code resolved} notification is POSTed; {@code null}: only the log
 * @param webhookTimeout how long one webhook attempt may take
 * @param serverName     the {@code server} of webhook bodies; {@code null}: this machine's host name
 */
public record AlertSettings(Map<Alert, Double> thresholds, Duration every, URI webhook, Duration webhookTimeout,
                            String serverName) {
    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);
    public static final Duration DEFAULT_WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

    public AlertSettings {
        Map<Alert, Double> copy = new EnumMap<>(Alert.class);
        Objects.requireNonNull(thresholds, "thresholds").forEach((alert, threshold) -> {
            copy.put(Objects.requireNonNull(alert, "alert"), checked(alert, threshold));
        });
        thresholds = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(every, "every");
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: every must be at least 1s, was "
                    + Durations.format(every) + "; the alerts read the database each time (1m is the default)");
        }
        if (webhook != null) {
            AlertWebhook.requireHttp(webhook);
        }
        Objects.requireNonNull(webhookTimeout, "webhookTimeout");
        if (webhookTimeout.isNegative() || webhookTimeout.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: webhook-timeout must be positive, was "
                    + Durations.format(webhookTimeout) + "; write e.g. 5s");
        }
        if (serverName != null && serverName.isBlank()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: server-name must not be blank; leave it out"
                    + " to use the host name");
        }
    }

    /** Every alert on at its {@link Alert#defaultThreshold() default threshold}, evaluated every minute, no webhook. */
    public static AlertSettings defaults() {
        Map<Alert, Double> thresholds = new EnumMap<>(Alert.class);
        for (Alert alert : Alert.values()) {
            thresholds.put(alert, alert.defaultThreshold());
        }
        return new AlertSettings(thresholds, DEFAULT_EVERY, null, DEFAULT_WEBHOOK_TIMEOUT, null);
    }

    /** The threshold of {@code alert}; empty when it is off. */
    public OptionalDouble threshold(Alert alert) {
        Double threshold = thresholds.get(alert);
        return threshold == null ? OptionalDouble.empty() : OptionalDouble.of(threshold);
    }

    /** These settings with {@code alert} on at {@code threshold}. */
    public AlertSettings withThreshold(Alert alert, double threshold) {
        Map<Alert, Double> changed = new EnumMap<>(Alert.class);
        changed.putAll(thresholds);
        changed.put(Objects.requireNonNull(alert, "alert"), threshold);
        return new AlertSettings(changed, every, webhook, webhookTimeout, serverName);
    }

    /** These settings with {@code alert} off: it is neither evaluated nor reported. */
    public AlertSettings withAlertOff(Alert alert) {
        Map<Alert, Double> changed = new EnumMap<>(Alert.class);
        changed.putAll(thresholds);
        changed.remove(Objects.requireNonNull(alert, "alert"));
        return new AlertSettings(changed, every, webhook, webhookTimeout, serverName);
    }

    public AlertSettings withEvery(Duration value) {
        return new AlertSettings(thresholds, value, webhook, webhookTimeout, serverName);
    }

    /** These settings with notifications POSTed to {@code value}, an http or https URL; {@code null}: none. */
    public AlertSettings withWebhook(URI value) {
        return new AlertSettings(thresholds, every, value, webhookTimeout, serverName);
    }

    public AlertSettings withWebhookTimeout(Duration value) {
        return new AlertSettings(thresholds, every, webhook, value, serverName);
    }

    /** These settings with {@code value} as the {@code server} of webhook bodies; {@code null}: the host name. */
    public AlertSettings withServerName(String value) {
        return new AlertSettings(thresholds, every, webhook, webhookTimeout, value);
    }

    /** The settings without the webhook's secrets: only its scheme, host, port and path show. */
    @Override
    public String toString() {
        return "AlertSettings[thresholds=" + thresholds + ", every=" + Durations.format(every) + ", webhook="
                + (webhook == null ? "none" : AlertWebhook.redacted(webhook)) + ", webhookTimeout="
                + Durations.format(webhookTimeout) + ", serverName=" + serverName + "]";
    }

    private static double checked(Alert alert, Double threshold) {
        if (threshold == null || threshold.isNaN() || threshold < 0 || threshold.isInfinite()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: " + alert.key() + " must be a threshold of"
                    + " 0 or more, was " + threshold + "; write off to switch the alert off");
        }
        if (alert == Alert.CONFLICT_RATE && threshold > 1) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: conflict-rate is a share of the changes"
                    + " between 0 and 1 (0% and 100%), was " + threshold + "; write 5% or 0.05");
        }
        if (alert != Alert.CONFLICT_RATE && threshold != Math.rint(threshold)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "alerts: " + alert.key() + " must be a whole "
                    + (alert == Alert.OLDEST_UNDELIVERED_CHANGE ? "number of seconds" : "number") + ", was " + threshold);
        }
        return threshold;
    }
}
