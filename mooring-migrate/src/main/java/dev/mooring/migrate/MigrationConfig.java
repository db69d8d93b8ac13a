package dev.mooring.migrate;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Migrator} finds and applies migrations. Immutable; {@code withX} returns a changed copy.
 *
 * @param locations   where the files are: {@code classpath:db/migration}, {@code filesystem:db/migration} or a
 *                    bare folder path; searched recursively
 * @param table       the history table, optionally schema-qualified ({@code app.schema_version})
 * @param target      migrate no further than this version; {@code null} for the latest
 * @param outOfOrder  apply pending migrations older than the latest applied one instead of refusing
 * @param lockTimeout how long to wait for another migrator before giving up
 * @param appliedBy   the name recorded in the history; {@code null} for the database user
 * @param callbacks   Java callbacks, run in order
 * @param classLoader where {@code classpath:} locations are looked up
 */
public record MigrationConfig(List<String> locations, String table, MigrationVersion target, boolean outOfOrder,
                              Duration lockTimeout, String appliedBy, List<MigrationCallback> callbacks,
                              ClassLoader classLoader) {
    public static final String DEFAULT_LOCATION = "classpath:db/migration";
    public static final String DEFAULT_TABLE = "schema_version";
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);

    public MigrationConfig {
        Objects.requireNonNull(locations, "locations");
        locations = List.copyOf(locations);
        if (locations.isEmpty() || locations.stream().anyMatch(String::isBlank)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "locations must name at least one folder, e.g. "
                    + DEFAULT_LOCATION + " or filesystem:db/migration; got " + locations);
        }
        Objects.requireNonNull(table, "table");
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "table '" + table
                    + "' is not a valid history table name: use letters, digits and underscores, optionally schema-qualified "
                    + "(app.schema_version).");
        }
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (lockTimeout.isNegative() || lockTimeout.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "lockTimeout must be positive, was " + lockTimeout);
        }
        callbacks = List.copyOf(Objects.requireNonNull(callbacks, "callbacks"));
        Objects.requireNonNull(classLoader, "classLoader");
    }

    /** Defaults: {@code classpath:db/migration}, table {@code schema_version}, latest version, 60 s lock time-out. */
    public static MigrationConfig defaults() {
        return new MigrationConfig(List.of(DEFAULT_LOCATION), DEFAULT_TABLE, null, false, DEFAULT_LOCK_TIMEOUT, null,
                List.of(), MigrationConfig.class.getClassLoader());
    }

    /** Defaults with these locations. */
    public static MigrationConfig of(String... locations) {
        return defaults().withLocations(locations);
    }

    public MigrationConfig withLocations(String... newLocations) {
        return new MigrationConfig(List.of(newLocations), table, target, outOfOrder, lockTimeout, appliedBy, callbacks, classLoader);
    }

    public MigrationConfig withTable(String newTable) {
        return new MigrationConfig(locations, newTable, target, outOfOrder, lockTimeout, appliedBy, callbacks, classLoader);
    }

    /** Migrate no further than {@code version}; {@code null} for the latest. */
    public MigrationConfig withTarget(String version) {
        MigrationVersion v;
        try {
            v = version == null || version.equalsIgnoreCase("latest") ? null : MigrationVersion.parse(version);
        } catch (IllegalArgumentException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "target: " + e.getMessage());
        }
        return new MigrationConfig(locations, table, v, outOfOrder, lockTimeout, appliedBy, callbacks, classLoader);
    }

    public MigrationConfig withOutOfOrder(boolean allow) {
        return new MigrationConfig(locations, table, target, allow, lockTimeout, appliedBy, callbacks, classLoader);
    }

    public MigrationConfig withLockTimeout(Duration timeout) {
        return new MigrationConfig(locations, table, target, outOfOrder, timeout, appliedBy, callbacks, classLoader);
    }

    public MigrationConfig withAppliedBy(String who) {
        return new MigrationConfig(locations, table, target, outOfOrder, lockTimeout, who, callbacks, classLoader);
    }

    public MigrationConfig withCallbacks(MigrationCallback... newCallbacks) {
        return new MigrationConfig(locations, table, target, outOfOrder, lockTimeout, appliedBy, List.of(newCallbacks), classLoader);
    }

    public MigrationConfig withClassLoader(ClassLoader loader) {
        return new MigrationConfig(locations, table, target, outOfOrder, lockTimeout, appliedBy, callbacks, loader);
    }
}
