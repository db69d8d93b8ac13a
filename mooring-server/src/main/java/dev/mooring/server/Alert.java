package dev.mooring.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * A health alert {@link HealthAlerts} raises when a figure of the {@link HealthReport} goes above its threshold. Each
 * is named by its {@link #key()}, the same in {@code sync.yaml}, in log lines and in webhook bodies. Values and
 * thresholds are in base units: counts, a fraction for the conflict rate (0.05 is 5%), seconds for an age.
 */
public enum Alert {
    /**
     * Conflicts waiting in the queue for a person ({@link HealthReport#pendingConflicts()}). The sync strategy's
     * "pending packages": in Mooring the only sync work that waits on the server for a person is the conflict queue.
     */
    PENDING_CONFLICTS("pending-conflicts", 100) {
        @Override
        double value(HealthReport report, Instant now) {
            return report.pendingConflicts();
        }

        @Override
        String describe(double value) {
            return count(value) + (value == 1 ? " conflict waits" : " conflicts wait") + " for a person to resolve";
        }

        @Override
        String advice() {
            return "List them with mooring conflicts list and settle each with mooring conflicts resolve ID --take"
                    + " server|client|merged (or POST /v1/conflicts/{id}/resolve).";
        }
    },
    /** Sync requests that failed in the last hour ({@link HealthReport#failedLastHour()}). */
    FAILED_SYNCS_PER_HOUR("failed-syncs-per-hour", 10) {
        @Override
        double value(HealthReport report, Instant now) {
            return report.failedLastHour();
        }

        @Override
        String describe(double value) {
            return count(value) + (value == 1 ? " sync" : " syncs") + " failed in the last hour";
        }

        @Override
        String advice() {
            return "Their errors are in mooring.sync_sessions (SELECT started_at, node_id, user_id, kind, error FROM"
                    + " mooring.sync_sessions WHERE NOT ok ORDER BY started_at DESC); check the server's log and the"
                    + " database too.";
        }
    },
    /** Conflicts per synced change in the last hour ({@link HealthReport#conflictRate()}), a fraction. */
    CONFLICT_RATE("conflict-rate", 0.05) {
        @Override
        double value(HealthReport report, Instant now) {
            return report.conflictRate();
        }

        @Override
        String describe(double value) {
            return percent(value) + " of the changes synced in the last hour met a conflict";
        }

        @Override
        String threshold(double threshold) {
            return percent(threshold);
        }

        @Override
        Number json(double value) {
            return value;
        }

        @Override
        String advice() {
            return "Devices edit the same rows at once: see which rows with mooring conflicts list --all, and check"
                    + " the tables' conflict policies in sync.yaml.";
        }
    },
    /**
     * How long ago the oldest change some device has not pulled yet was made, in seconds
     * ({@link HealthReport#oldestUndeliveredChange()}); 0 when every device is up to date.
     */
    OLDEST_UNDELIVERED_CHANGE("oldest-undelivered-change", Duration.ofHours(24).toSeconds()) {
        @Override
        double value(HealthReport report, Instant now) {
            Instant oldest = report.oldestUndeliveredChange();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
        }

        @Override
        String describe(double value) {
            return "the oldest change a device has not pulled is " + age(value) + " old";
        }

        @Override
        String threshold(double threshold) {
            return age(threshold);
        }

        @Override
        String advice() {
            return "A device stopped syncing: mooring.nodes shows when each was last seen (last_seen_at). A device that"
                    + " is offline for good keeps this alert up until the history it misses is pruned"
                    + " (tombstone-retention); where long offline spells are normal, raise the threshold or set it off.";
        }
    };

    private final String key;
    private final double defaultThreshold;

    Alert(String key, double defaultThreshold) {
        this.key = key;
        this.defaultThreshold = defaultThreshold;
    }

    /** Its name in {@code sync.yaml}, logs and webhooks, such as {@code pending-conflicts}. */
    public String key() {
        return key;
    }

    /** The threshold it has unless {@code sync.yaml} or {@link AlertSettings#withThreshold} gives another. */
    public double defaultThreshold() {
        return defaultThreshold;
    }

    /** The alert named {@code key} ({@code pending-conflicts}), or {@code null}. */
    static Alert byKey(String key) {
        for (Alert alert : values()) {
            if (alert.key.equals(key)) {
                return alert;
            }
        }
        return null;
    }

    /** Its figure in {@code report}, read at {@code now}. */
    abstract double value(HealthReport report, Instant now);

    /** The value for a person, as a clause: "3 conflicts wait for a person to resolve". */
    abstract String describe(double value);

    /** What an operator does about it, as a sentence. */
    abstract String advice();

    /** The threshold for a person: "100", "5%", "24 h". */
    String threshold(double threshold) {
        return count(threshold);
    }

    /** The value as it goes into JSON: a whole number for counts and ages, the fraction for a rate. */
    Number json(double value) {
        return Math.round(Math.floor(value));
    }

    private static String count(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double fraction) {
        String text = String.format(Locale.ROOT, "%.1f", fraction * 100);
        return (text.endsWith(".0") ? text.substring(0, text.length() - 2) : text) + "%";
    }

    /** {@code 45 s}, {@code 12 min}, {@code 30 h}, {@code 3 days}: whole units, the largest under 2 of the next. */
    private static String age(double seconds) {
        long s = (long) seconds;
        if (s < 120) {
            return s + " s";
        }
        if (s < 120 * 60) {
            return s / 60 + " min";
        }
        if (s < 48 * 3600) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " days";
    }
}
