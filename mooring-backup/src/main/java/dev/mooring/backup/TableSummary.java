package dev.mooring.backup;

import java.util.Objects;

/**
 * What a backup holds of one table, as the manifest records it.
 *
 * @param table    the table's name: {@code schema.table} on PostgreSQL (unquoted), {@code table} on SQLite
 * @param rows     the number of rows
 * @param checksum the {@link RowDigest} of the rows, independent of their order
 */
public record TableSummary(String table, long rows, String checksum) {
    public TableSummary {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(checksum, "checksum");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
    }
}
