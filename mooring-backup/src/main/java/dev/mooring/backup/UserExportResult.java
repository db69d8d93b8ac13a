package dev.mooring.backup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link UserDataExport} wrote.
 *
 * @param userId      the user whose data was exported
 * @param ownerColumn the owner column that selected it
 * @param rowsByTable rows written per exported table, in the order of the document ({@code schema.table} on
 *                    PostgreSQL, {@code table} on SQLite); tables the user has no rows in are listed with 0
 */
public record UserExportResult(String userId, String ownerColumn, Map<String, Long> rowsByTable) {
    public UserExportResult {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(ownerColumn, "ownerColumn");
        rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(rowsByTable, "rowsByTable")));
    }

    /** All rows written, over every table. */
    public long totalRows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
