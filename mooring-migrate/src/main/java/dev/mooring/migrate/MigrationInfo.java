package dev.mooring.migrate;

import java.time.Instant;

/**
 * One line of {@code info}: a migration file, a history row, or both.
 *
 * @param version     the version; {@code null} for repeatable migrations
 * @param description what it does
 * @param type        versioned, repeatable or baseline
 * @param state       where it stands
 * @param script      the file name (from the history when the file is missing)
 * @param checksum    the file's checksum, or the recorded one when the file is missing
 * @param appliedAt   when it was applied, or {@code null}
 * @param executionMs how long it took, or {@code null}
 * @param appliedBy   who applied it, or {@code null}
 */
public record MigrationInfo(String version, String description, MigrationType type, MigrationState state,
                            String script, Long checksum, Instant appliedAt, Integer executionMs, String appliedBy) {
}
