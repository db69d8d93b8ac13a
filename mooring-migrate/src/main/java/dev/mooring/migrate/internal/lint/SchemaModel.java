package dev.mooring.migrate.internal.lint;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The column types the migrations linted so far have declared, so that a later {@code ALTER COLUMN … TYPE} can be
 * compared with the type it replaces. A table is <em>complete</em> when its CREATE TABLE was seen: then its column
 * list is known, not only some of its columns. Keys are {@link SqlName#key()}s. A {@code null} type means the
 * column exists but its type is not known (SQLite lets a column have none). Not thread-safe.
 */
final class SchemaModel {
    private static final class Table {
        final boolean complete;
        final Map<String, ColumnType> columns = new LinkedHashMap<>();

        Table(boolean complete) {
            this.complete = complete;
        }
    }

    private final Map<String, Table> tables = new HashMap<>();

    void createTable(String table, Map<String, ColumnType> columns) {
        Table created = new Table(true);
        created.columns.putAll(columns);
        tables.put(table, created);
    }

    /** Forgets a dropped table, or one whose columns can no longer be known (CREATE TABLE … AS SELECT). */
    void forgetTable(String table) {
        tables.remove(table);
    }

    void renameTable(String from, String to) {
        Table table = tables.remove(from);
        if (table != null) {
            tables.put(to, table);
        } else {
            tables.remove(to);
        }
    }

    void setColumn(String table, String column, ColumnType type) {
        tables.computeIfAbsent(table, t -> new Table(false)).columns.put(column, type);
    }

    void dropColumn(String table, String column) {
        Table t = tables.get(table);
        if (t != null) {
            t.columns.remove(column);
        }
    }

    void renameColumn(String table, String from, String to) {
        Table t = tables.get(table);
        if (t != null) {
            boolean known = t.columns.containsKey(from);
            ColumnType type = t.columns.remove(from);
            if (known) {
                t.columns.put(to, type);
            } else {
                t.columns.remove(to);
            }
        }
    }

    /** The column's type, or {@code null} if it is not known. */
    ColumnType type(String table, String column) {
        Table t = tables.get(table);
        return t == null ? null : t.columns.get(column);
    }

    /** A copy of the table's columns in declaration order if its CREATE TABLE was seen, else {@code null}. */
    Map<String, ColumnType> columnsIfComplete(String table) {
        Table t = tables.get(table);
        return t == null || !t.complete ? null : new LinkedHashMap<>(t.columns);
    }
}
