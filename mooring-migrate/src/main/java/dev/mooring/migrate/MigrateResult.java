package dev.mooring.migrate;

import java.util.List;

/**
 * What {@code migrate} did.
 *
 * @param dialect     {@code postgresql} or {@code sqlite}
 * @param fromVersion the version before the run ({@code null}: nothing applied)
 * @param toVersion   the version after the run
 * @param applied     what was applied, in order
 * @param totalMs     the run's wall time
 */
public record MigrateResult(String dialect, String fromVersion, String toVersion, List<AppliedMigration> applied, long totalMs) {
    public MigrateResult {
        applied = List.copyOf(applied);
    }
}
