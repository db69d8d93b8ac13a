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
 * @param sectionRows rows each {@link UserExportSection section} wrote per table, by the section's key, in the order
 *                    of the document; empty without sections
 */
public record UserExportResult(String userId, String ownerColumn, Map<String, Long> rowsByTable,
                               Map<String, Map<String, Long>> sectionRows) {
    public UserExportResult {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(ownerColumn, "ownerColumn");
        rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(rowsByTable, "rowsByTable")));
        Map<String, Map<String, Long>> sections = new LinkedHashMap<>();
        Objects.requireNonNull(sectionRows, "sectionRows").forEach((key, rows) ->
                sections.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(rows))));
        sectionRows = Collections.unmodifiableMap(sections);
    }

    /** The result of an export without sections. */
    public UserExportResult(String userId, String ownerColumn, Map<String, Long> rowsByTable) {
        this(userId, ownerColumn, rowsByTable, Map.of());
    }

    /** All owned rows written, over every table; rows of sections not included. */
    public long totalRows() {
        return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
}
