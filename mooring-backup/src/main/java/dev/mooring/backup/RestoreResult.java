package dev.mooring.backup;


import java.nio.file.Path;
import java.util.List;

/**
 * What a restore restored.
 *
 * @param file          the backup file
 * @param dialect       {@code postgresql} or {@code sqlite}
 * @param clean         whether the target's objects were dropped first
 * @param tables        the restored tables and their rows
 * @param schemaVersion the migration version the restored database is at, {@code null} when it has no history
 * @param durationMs    how long it took
 * @param warnings      what the user should know, such as a missing manifest
 * @param missingRoles  roles the backup grants privileges to that do not exist on the target, or whose default
 *                      privileges the restoring role may not set (it is not a member of them), sorted; those
 *                      privileges were skipped (roles are not part of a database backup: create them and restore
 *                      again, or grant by hand)
 */
public record RestoreResult(Path file, String dialect, boolean clean, List<TableSummary> tables, String schemaVersion,
                            long durationMs, List<String> warnings, List<String> missingRoles) {
    public RestoreResult {
        tables = List.copyOf(tables);
        warnings = List.copyOf(warnings);
        missingRoles = List.copyOf(missingRoles);
    }

    /** The rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableSummary::rows).sum();
    }
}
