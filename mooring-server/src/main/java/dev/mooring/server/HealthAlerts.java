package dev.mooring.server;

import dev.mooring.core.Durations;
import dev.mooring.server.internal.AlertWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Raises the health alerts of {@link AlertSettings}: every {@link AlertSettings#every()} it reads the
 * {@link SyncHealth#report health report} (one query) and compares each alert's value with its threshold. An alert
 * fires once per crossing: when its value goes above the threshold, a WARN line names the alert, the value, the
 * threshold and what to do, and with a webhook a {@code firing} notification is POSTed; while the value stays above,
 * nothing more; once it is back at or below the threshold, an INFO line and a {@code resolved} notification. Above
 * again later, it fires again. Webhooks are sent off the evaluating thread ({@link AlertWebhook}): a receiver that
 * hangs delays neither the next evaluation nor anything else. State lives in this object, so a restarted server fires
 * again for what is still above its threshold.
 *
 * <p>When the database cannot be read, the alerts keep their state and one WARN line says so, not one per evaluation
 * (an INFO line follows once it can be read again).
 *
 * <pre>{@code
 * try (HealthAlerts alerts = HealthAlerts.start(dataSource, AlertSettings.defaults())) {
 *     alerts.states(); // for metrics and dashboards
 * }
 * }</pre>
 *
 * Thread-safe: evaluations never overlap, and {@link #states()} never waits for one.
 */
public final class HealthAlerts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthAlerts.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final AlertSettings settings;
    private final AlertWebhook webhook; // null without one
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mooring-health-alerts");
        t.setDaemon(true);
        return t;
    });
    private final Object evaluating = new Object();
    private volatile List<AlertState> states;
    private boolean unreadable; // guarded by evaluating

    private HealthAlerts(DataSource dataSource, AlertSettings settings, Duration firstRetry) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.webhook = settings.webhook() == null ? null : new AlertWebhook(settings.webhook(),
                settings.webhookTimeout(), settings.serverName(), firstRetry);
        Instant now = Instant.now();
        List<AlertState> initial = new ArrayList<>();
        settings.thresholds().forEach((alert, threshold) -> initial.add(new AlertState(alert, false, 0, threshold,
                now, null)));
        this.states = List.copyOf(initial);
    }

    /**
     * Evaluates the alerts once now, on the caller's thread, then every {@link AlertSettings#every()} on a daemon
     * thread of its own, over a database where {@link SyncSchema#install} has run.
     */
    public static HealthAlerts start(DataSource dataSource, AlertSettings settings) {
        return start(dataSource, settings, FIRST_RETRY);
    }

    /** As {@link #start(DataSource, AlertSettings)}, with webhook retries after {@code firstRetry}, 2 and 4 times it. */
    static HealthAlerts start(DataSource dataSource, AlertSettings settings, Duration firstRetry) {
        HealthAlerts alerts = new HealthAlerts(dataSource, settings, firstRetry);
        alerts.evaluateNow();
        long every = settings.every().toMillis();
        alerts.scheduler.scheduleWithFixedDelay(alerts::evaluateOnSchedule, every, every, TimeUnit.MILLISECONDS);
        return alerts;
    }

    public AlertSettings settings() {
        return settings;
    }

    /** Where each alert that is on stands, as of the last evaluation, in {@link Alert} order. */
    public List<AlertState> states() {
        return states;
    }

    /**
     * Evaluates the alerts now (waiting for an evaluation under way to end first) and returns their states. Fires
     * and resolves as the scheduled evaluations do; when the database cannot be read, returns the states unchanged.
     */
    public List<AlertState> evaluateNow() {
        synchronized (evaluating) {
            if (states.isEmpty()) {
                return states; // every alert is off: nothing to read
            }
            HealthReport report;
            try {
                report = SyncHealth.report(dataSource);
            } catch (RuntimeException e) {
                if (!unreadable) {
                    unreadable = true;
                    LOG.warn("Could not evaluate the health alerts ({}). They keep their state and are tried again every"
                            + " {}; this is said once, until they can be evaluated.", firstLine(e.getMessage()),
                            Durations.format(settings.every()));
                }
                return states;
            }
            if (unreadable) {
                unreadable = false;
                LOG.info("The health alerts are evaluated again.");
            }
            Instant now = Instant.now();
            List<AlertState> next = new ArrayList<>(states.size());
            for (AlertState before : states) {
                next.add(advance(before, report, now));
            }
            states = List.copyOf(next);
            return states;
        }
    }

    /** Stops evaluating (one under way ends first) and drops webhook notifications not sent yet. */
    @Override
    public void close() {
        scheduler.shutdown();
        if (webhook != null) {
            webhook.close();
        }
    }

    private AlertState advance(AlertState before, HealthReport report, Instant now) {
        Alert alert = before.alert();
        double value = alert.value(report, now);
        double threshold = before.threshold();
        boolean above = value > threshold;
        if (above == before.firing()) {
            return new AlertState(alert, above, value, threshold, before.since(), now);
        }
        String message = message(alert, above, value, threshold);
        if (above) {
            LOG.warn("{}", message);
        } else {
            LOG.info("{}", message);
        }
        if (webhook != null) {
            webhook.send(new AlertWebhook.Notification(alert.key(), above ? "firing" : "resolved", alert.json(value),
                    alert.json(threshold), now, message));
        }
        return new AlertState(alert, above, value, threshold, now, now);
    }

    /** The log line's text, and the webhook's {@code message}. */
    static String message(Alert alert, boolean firing, double value, double threshold) {
        String described = alert.describe(value);
        described = Character.toUpperCase(described.charAt(0)) + described.substring(1);
        return firing
                ? "Alert " + alert.key() + " is firing: " + described + ", above its threshold of "
                        + alert.threshold(threshold) + ". " + alert.advice()
                : "Alert " + alert.key() + " resolved: " + described + ", back within its threshold of "
                        + alert.threshold(threshold) + ".";
    }

    /** PostgreSQL's messages go on with the position of the error: one log line is enough. */
    private static String firstLine(String message) {
        return message == null ? "no message" : message.lines().findFirst().orElse("").strip();
    }

    private void evaluateOnSchedule() {
        try {
            evaluateNow();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: keep the alerts alive
            LOG.error("The health alerts failed to evaluate; they are tried again in {}",
                    Durations.format(settings.every()), e);
        }
    }
}
