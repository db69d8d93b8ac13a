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
 */
public record RestoreResult(Path file, String dialect, boolean clean, List<TableSummary> tables, String schemaVersion,
                            long durationMs, List<String> warnings) {
    public RestoreResult {
        tables = List.copyOf(tables);
        warnings = List.copyOf(warnings);
    }

    /** The rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableSummary::rows).sum();
    }
}
