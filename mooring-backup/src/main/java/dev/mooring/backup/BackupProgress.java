package dev.mooring.backup;

/**
 * Hears how a dump advances, to draw a progress bar. Implementations must be thread-safe: parallel workers
 * report from their own threads.
 */
public interface BackupProgress {
    /** Hears nothing. */
    BackupProgress NONE = new BackupProgress() {
    };

    /** Called once before data is read: how many tables, and the catalog's estimates of rows and bytes. */
    default void planned(int tables, long estimatedRows, long estimatedBytes) {
    }

    /** Rows and bytes just written, as increments. */
    default void advanced(long rows, long bytes) {
    }

    /** A table's data is complete. */
    default void tableDone(TableSummary table) {
    }
}
