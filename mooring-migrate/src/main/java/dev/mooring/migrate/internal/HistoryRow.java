package dev.mooring.migrate.internal;

import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;

import java.time.Instant;

/** One row of the history table. Immutable. {@code version} is {@code null} for repeatable migrations. */
public record HistoryRow(int rank, MigrationVersion version, String description, MigrationType type, String script,
                         Long checksum, String appliedBy, Instant appliedAt, int executionMs, boolean success) {

    /** The identity shared with {@link MigrationScript#key()}. */
    public String key() {
        return version != null ? "V:" + version.canonical() : "R:" + description;
    }
}
