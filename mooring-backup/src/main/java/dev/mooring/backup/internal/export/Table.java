package dev.mooring.backup.internal.export;

import java.util.List;
import java.util.Objects;

/**
 * A user table: its name, its columns in their declared order and its primary key (empty when it has none).
 */
record Table(TableRef ref, List<Column> columns, List<String> primaryKey) {
    Table {
        Objects.requireNonNull(ref, "ref");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    /** The column named {@code name}, compared exactly or ignoring case, or {@code null}. */
    Column column(String name, boolean ignoreCase) {
        for (Column c : columns) {
            if (ignoreCase ? c.name().equalsIgnoreCase(name) : c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
