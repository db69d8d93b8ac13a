package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the {@code alerts:} section of {@code sync.yaml} (see {@link SyncConfigFile}) into {@link AlertSettings}: a
 * key left out keeps its default, {@code off} switches an alert off. Messages name the key and the fix, and never show
 * the webhook URL (it may carry a secret). Stateless.
 */
final class AlertsSection {
    private static final Set<String> KEYS = keys();

    private AlertsSection() {
    }

    /** The settings {@code node} (the section, or {@code null} when the file has none) gives. */
    static AlertSettings parse(JsonNode node, String origin) {
        if (node == null || node.isNull()) {
            return AlertSettings.defaults();
        }
        if (!node.isObject()) {
            throw new MooringException(ErrorCode.CONFIGURATION, origin + ": 'alerts' must be a mapping of settings,"
                    + " such as alerts: {pending-conflicts: 100, webhook: https://…}; got a "
                    + node.getNodeType().name().toLowerCase(Locale.ROOT) + ".");
        }
        SyncConfigFile.checkKeys(node, KEYS, origin + ", alerts");
        try {
            AlertSettings settings = AlertSettings.defaults();
            for (Alert alert : Alert.values()) {
                JsonNode value = node.get(alert.key());
                if (value != null && !value.isNull()) {
                    settings = off(alert, value) ? settings.withAlertOff(alert)
                            : settings.withThreshold(alert, threshold(alert, value));
                }
            }
            settings = settings
                    .withEvery(SyncConfigFile.duration(node.get("every"), settings.every(), "every", "alerts"))
                    .withWebhookTimeout(SyncConfigFile.duration(node.get("webhook-timeout"), settings.webhookTimeout(),
                            "webhook-timeout", "alerts"))
                    .withWebhook(webhook(node.get("webhook")))
                    .withServerName(serverName(node.get("server-name")));
            return settings;
        } catch (MooringException e) {
            throw new MooringException(e.code(), origin + ", " + e.getMessage() + (e.getMessage().endsWith(".") ? ""
                    : "."), e);
        }
    }

    private static boolean off(Alert alert, JsonNode value) {
        if (value.isBoolean()) { // YAML reads a bare off (and no, false) as false
            if (value.booleanValue()) {
                throw invalid(alert.key(), "is true; give a threshold, or off to switch the alert off");
            }
            return true;
        }
        return value.isTextual() && value.asText().trim().equalsIgnoreCase("off");
    }

    private static double threshold(Alert alert, JsonNode value) {
        String text = value.asText().trim();
        switch (alert) {
            case CONFLICT_RATE:
                try {
                    return text.endsWith("%") ? Double.parseDouble(text.substring(0, text.length() - 1).trim()) / 100
                            : Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw invalid(alert.key(), "must be a share of the changes such as 5% or 0.05, or off; got '"
                            + text + "'");
                }
            case OLDEST_UNDELIVERED_CHANGE:
                try {
                    return Durations.parse(text).toSeconds();
                } catch (IllegalArgumentException e) {
                    throw invalid(alert.key(), e.getMessage() + ", or off");
                }
            default:
                if (!text.matches("\\d{1,12}")) {
                    throw invalid(alert.key(), "must be a whole number of 0 or more such as "
                            + (long) alert.defaultThreshold() + ", or off; got '" + text + "'");
                }
                return Long.parseLong(text);
        }
    }

    private static URI webhook(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalid("webhook", "must be an http or https URL such as https://alerts.example.com/mooring");
        }
        try {
            return new URI(value.asText().trim());
        } catch (URISyntaxException e) {
            // e's message would quote the URL, and with it any token it carries
            throw invalid("webhook", "is not a URL (" + e.getReason() + " at index " + e.getIndex() + "); escape"
                    + " special characters with %XX");
        }
    }

    private static String serverName(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw invalid("server-name", "must be a name such as sync-eu-1");
        }
        return value.asText();
    }

    private static MooringException invalid(String key, String problem) {
        return new MooringException(ErrorCode.CONFIGURATION, "alerts: " + key + " " + problem);
    }

    private static Set<String> keys() {
        Set<String> keys = new HashSet<>(List.of("every", "webhook", "webhook-timeout", "server-name"));
        for (Alert alert : Alert.values()) {
            keys.add(alert.key());
        }
        return Set.copyOf(keys);
    }
}
