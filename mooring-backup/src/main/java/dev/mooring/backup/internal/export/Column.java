package dev.mooring.backup.internal.export;

import java.util.Locale;
import java.util.Objects;

/**
 * One column of a table, as the catalog describes it.
 *
 * @param name         the column's name, exact case
 * @param declaredType the type as declared ({@code format_type} on PostgreSQL, the declared type text on SQLite,
 *                     possibly empty there)
 */
record Column(String name, String declaredType) {
    Column {
        Objects.requireNonNull(name, "name");
        declaredType = declaredType == null ? "" : declaredType;
    }

    /** The declared type in upper case, for SQLite's affinity-style matching ({@code BOOLEAN}, {@code JSON}…). */
    String upperType() {
        return declaredType.toUpperCase(Locale.ROOT);
    }
}
