package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What syncs and how: the synced tables and the server-wide limits. Immutable; {@code withX} returns a changed copy.
 * Load one from a file with {@link SyncConfigFile#load}.
 *
 * @param tables             the synced tables, each named once
 * @param tombstoneRetention how long the change log (and with it deletes) is kept; a client whose cursor is older
 *                           must re-bootstrap
 * @param maxClockSkew       how far ahead of the server a client's clock may be before its times are clamped
 * @param alerts             the health alerts' thresholds and webhook (the file's {@code alerts:} section), for a
 *                           server started with them ({@link ServerOptions#withAlerts})
 */
public record SyncConfig(List<SyncedTable> tables, Duration tombstoneRetention, Duration maxClockSkew,
                         AlertSettings alerts) {
    public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    public SyncConfig {
        tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
        Set<String> seen = new HashSet<>();
        for (SyncedTable table : tables) {
            if (!seen.add(table.name())) {
                throw new MooringException(ErrorCode.CONFIGURATION, "table " + table.name()
                        + " is declared twice in the sync configuration; declare each synced table once.");
            }
        }
        requirePositive(Objects.requireNonNull(tombstoneRetention, "tombstoneRetention"), "tombstone retention");
        requirePositive(Objects.requireNonNull(maxClockSkew, "maxClockSkew"), "max clock skew");
        Objects.requireNonNull(alerts, "alerts");
    }

    /** A configuration with the {@link AlertSettings#defaults() default alerts}. */
    public SyncConfig(List<SyncedTable> tables, Duration tombstoneRetention, Duration maxClockSkew) {
        this(tables, tombstoneRetention, maxClockSkew, AlertSettings.defaults());
    }

    public static SyncConfig of(SyncedTable... tables) {
        return new SyncConfig(List.of(tables), DEFAULT_TOMBSTONE_RETENTION, DEFAULT_MAX_CLOCK_SKEW);
    }

    public SyncConfig withTombstoneRetention(Duration retention) {
        return new SyncConfig(tables, retention, maxClockSkew, alerts);
    }

    public SyncConfig withMaxClockSkew(Duration skew) {
        return new SyncConfig(tables, tombstoneRetention, skew, alerts);
    }

    public SyncConfig withAlerts(AlertSettings value) {
        return new SyncConfig(tables, tombstoneRetention, maxClockSkew, value);
    }

    /** The synced table of that name, as clients name it. */
    public Optional<SyncedTable> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static void requirePositive(Duration value, String what) {
        if (value.isNegative() || value.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, what + " must be positive, was " + value);
        }
    }
}
