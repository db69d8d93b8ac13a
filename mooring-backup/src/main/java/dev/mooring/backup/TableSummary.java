package dev.mooring.backup;

import java.util.Objects;

/**
 * What a backup holds of one table, as the manifest records it.
 *
 * @param table    the table's name: {@code schema.table} on PostgreSQL (unquoted), {@code table} on SQLite
 * @param rows     the number of rows
 * @param checksum the {@code RowDigest} of the rows, independent of their order; {@code null} while not computed yet:
 *                 a SQLite backup file is itself the snapshot, so its checksums are read from the file by the first
 *                 {@code verify} (or {@code backup --verify}) rather than slowing every backup down
 */
public record TableSummary(String table, long rows, String checksum) {
    public TableSummary {
        Objects.requireNonNull(table, "table");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
    }
}
