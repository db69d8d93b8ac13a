package dev.mooring.backup.internal.export;

import java.util.Objects;

/**
 * A table's name as the catalog spells it: unquoted, exact case.
 *
 * @param schema the schema on PostgreSQL; {@code null} on SQLite
 * @param name   the table's name
 */
record TableRef(String schema, String name) implements Comparable<TableRef> {
    TableRef {
        Objects.requireNonNull(name, "name");
    }

    /** The key of the table in the export document: {@code schema.table}, or {@code table} on SQLite. */
    String key() {
        return schema == null ? name : schema + "." + name;
    }

    /** The name quoted for SQL with {@code quote} (the dialect's identifier quoting). */
    String sql(java.util.function.UnaryOperator<String> quote) {
        return schema == null ? quote.apply(name) : quote.apply(schema) + "." + quote.apply(name);
    }

    @Override
    public int compareTo(TableRef o) {
        int bySchema = Objects.toString(schema, "").compareTo(Objects.toString(o.schema, ""));
        return bySchema != 0 ? bySchema : name.compareTo(o.name);
    }
}
