package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.SchemaDifference.ObjectType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Reads the schema of a SQLite database's {@code main} schema. Columns, primary keys, unique constraints and
 * foreign keys come from the pragmas; CHECK constraints, collations and generated-column expressions from the
 * {@code CREATE TABLE} text ({@link SqliteTableDefinition}); indexes, views and triggers are compared by their
 * normalized {@code CREATE} text ({@link SqliteSqlText}). SQLite's internal {@code sqlite_%} tables and the
 * shadow tables of virtual tables are left out. Names are in lower case, as SQLite ignores their case.
 * <p>
 * Unnamed constraints get PostgreSQL-style names: {@code <table>_pkey}, {@code <table>_<columns>_key},
 * {@code <table>_<columns>_fkey}, {@code <table>_<column>_check}. Use from one thread per connection.
 */
final class SqliteSchemaReader {
    private static final String OBJECTS = """
            SELECT m.type, m.name, m.tbl_name, m.sql, t.type AS table_type, t.wr, t.strict
            FROM sqlite_master m
            LEFT JOIN pragma_table_list t ON t.schema = 'main' AND t.name = m.name
            WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.sql IS NOT NULL
            """;

    private static final String COLUMNS = """
            SELECT name, type, "notnull", dflt_value, pk, hidden
            FROM pragma_table_xinfo(?)
            ORDER BY cid
            """;

    private static final String UNIQUE_CONSTRAINTS = """
            SELECT i.name AS index_name, c.name AS column_name, c."desc", c.coll
            FROM pragma_index_list(?) i
            JOIN pragma_index_xinfo(i.name) c
            WHERE i.origin = 'u' AND c.key = 1
            ORDER BY i.name, c.seqno
            """;

    private static final String FOREIGN_KEYS = """
            SELECT id, "table", "from", "to", on_update, on_delete
            FROM pragma_foreign_key_list(?)
            ORDER BY id, seq
            """;

    private SqliteSchemaReader() {
    }

    static List<SchemaObject> read(Connection connection) throws SQLException {
        List<SchemaObject> out = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(OBJECTS);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = lower(rs.getString("name"));
                String table = lower(rs.getString("tbl_name"));
                String sql = rs.getString("sql");
                switch (rs.getString("type")) {
                    case "table" -> {
                        String tableType = rs.getString("table_type");
                        if ("virtual".equals(tableType)) {
                            out.add(new SchemaObject(ObjectType.TABLE, name, name, definition(sql)));
                        } else if (!"shadow".equals(tableType)) {
                            out.add(new SchemaObject(ObjectType.TABLE, name, name,
                                    "table" + (rs.getBoolean("wr") ? ", without rowid" : "")
                                            + (rs.getBoolean("strict") ? ", strict" : "")));
                            readTable(connection, rs.getString("name"), name, sql, out);
                        }
                    }
                    case "index" -> out.add(new SchemaObject(ObjectType.INDEX, name, table, definition(sql)));
                    case "view" -> out.add(new SchemaObject(ObjectType.VIEW, name, name, definition(sql)));
                    case "trigger" -> out.add(new SchemaObject(ObjectType.TRIGGER, table + "." + name, table, definition(sql)));
                    default -> {
                        // no other types exist in sqlite_master
                    }
                }
            }
        }
        return out;
    }

    /**
     * Reads a table's columns and constraints. {@code storedName} is the name as stored (the pragmas need
     * it), {@code table} its lower-case form.
     */
    private static void readTable(Connection connection, String storedName, String table, String sql,
                                  List<SchemaObject> out) throws SQLException {
        SqliteTableDefinition definition = SqliteTableDefinition.parse(sql);
        Map<Integer, String> primaryKey = new TreeMap<>();
        try (PreparedStatement statement = prepare(connection, COLUMNS, storedName);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String column = lower(rs.getString("name"));
                out.add(new SchemaObject(ObjectType.COLUMN, table + "." + column, table,
                        describeColumn(rs, definition.columns().get(column))));
                if (rs.getInt("pk") > 0) {
                    primaryKey.put(rs.getInt("pk"), SqliteSqlText.identifier(column));
                }
            }
        }
        ConstraintNames names = new ConstraintNames(table);
        if (!primaryKey.isEmpty()) {
            out.add(new SchemaObject(ObjectType.CONSTRAINT, names.next(null, List.of(), "pkey"), table,
                    "PRIMARY KEY " + columnList(primaryKey.values()) + (definition.autoincrement() ? " AUTOINCREMENT" : "")));
        }
        for (KeyColumns unique : uniqueConstraints(connection, storedName)) {
            out.add(new SchemaObject(ObjectType.CONSTRAINT, names.next(null, unique.names(), "key"),
                    table, "UNIQUE " + columnList(unique.described())));
        }
        readForeignKeys(connection, storedName, table, names, out);
        for (SqliteTableDefinition.Check check : definition.checks()) {
            List<String> columns = check.column() == null ? List.of() : List.of(check.column());
            out.add(new SchemaObject(ObjectType.CONSTRAINT, names.next(check.name(), columns, "check"), table,
                    "CHECK (" + check.expression() + ")"));
        }
    }

    /**
     * Names a table's constraints {@code table.name}: the name written with {@code CONSTRAINT} where there is
     * one, else {@code <table>_<columns>_<suffix>} as PostgreSQL would; a name already taken gets a number.
     */
    private static final class ConstraintNames {
        private final String table;
        private final Map<String, Integer> taken = new HashMap<>();

        ConstraintNames(String table) {
            this.table = table;
        }

        String next(String given, List<String> columns, String suffix) {
            StringJoiner name = new StringJoiner("_");
            if (given != null) {
                name.add(given);
            } else {
                name.add(table);
                columns.forEach(name::add);
                name.add(suffix);
            }
            int count = taken.merge(name.toString(), 1, Integer::sum);
            return table + "." + name + (count == 1 ? "" : String.valueOf(count - 1));
        }
    }

    private static String describeColumn(ResultSet rs, SqliteTableDefinition.Column written) throws SQLException {
        String type = rs.getString("type");
        StringBuilder d = new StringBuilder(type == null || type.isBlank() ? "no type" : SqliteSqlText.normalize(type));
        if (written != null && written.collation() != null) {
            d.append(" collate ").append(written.collation());
        }
        d.append(rs.getBoolean("notnull") ? ", not null" : ", nullable");
        String defaultExpression = rs.getString("dflt_value");
        if (defaultExpression != null) {
            d.append(", default ").append(SqliteSqlText.normalize(defaultExpression));
        }
        int hidden = rs.getInt("hidden");
        if (hidden == 2 || hidden == 3) {
            String expression = written == null || written.generatedExpression() == null ? "?" : written.generatedExpression();
            d.append(", generated always as (").append(expression).append(hidden == 3 ? ") stored" : ") virtual");
        }
        return d.toString();
    }

    /** The columns of a key: their lower-case names, and how a description lists them. */
    private record KeyColumns(List<String> names, List<String> described) {
        KeyColumns() {
            this(new ArrayList<>(), new ArrayList<>());
        }
    }

    /** The table's UNIQUE constraints; a column is described with its order and collation where not the default. */
    private static List<KeyColumns> uniqueConstraints(Connection connection, String storedName) throws SQLException {
        Map<String, KeyColumns> byIndex = new LinkedHashMap<>();
        try (PreparedStatement statement = prepare(connection, UNIQUE_CONSTRAINTS, storedName);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = lower(rs.getString("column_name"));
                String column = SqliteSqlText.identifier(name);
                String collation = rs.getString("coll");
                if (collation != null && !collation.equalsIgnoreCase("binary")) {
                    column += " collate " + lower(collation);
                }
                if (rs.getBoolean("desc")) {
                    column += " desc";
                }
                KeyColumns key = byIndex.computeIfAbsent(rs.getString("index_name"), k -> new KeyColumns());
                key.names().add(name);
                key.described().add(column);
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    private static void readForeignKeys(Connection connection, String storedName, String table,
                                        ConstraintNames names, List<SchemaObject> out) throws SQLException {
        Map<Integer, List<String[]>> byId = new LinkedHashMap<>();
        try (PreparedStatement statement = prepare(connection, FOREIGN_KEYS, storedName);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                byId.computeIfAbsent(rs.getInt("id"), k -> new ArrayList<>()).add(new String[] {
                        rs.getString("table"), rs.getString("from"), rs.getString("to"),
                        rs.getString("on_update"), rs.getString("on_delete")});
            }
        }
        for (List<String[]> rows : byId.values()) {
            KeyColumns from = new KeyColumns();
            List<String> to = new ArrayList<>();
            for (String[] row : rows) {
                from.names().add(lower(row[1]));
                from.described().add(SqliteSqlText.identifier(row[1]));
                if (row[2] != null) {
                    to.add(SqliteSqlText.identifier(row[2]));
                }
            }
            String[] first = rows.get(0);
            // Without "to" columns the key refers to the parent's primary key, written as REFERENCES parent.
            String d = "FOREIGN KEY " + columnList(from.described()) + " REFERENCES " + SqliteSqlText.identifier(first[0])
                    + (to.isEmpty() ? "" : columnList(to)) + action("UPDATE", first[3]) + action("DELETE", first[4]);
            out.add(new SchemaObject(ObjectType.CONSTRAINT, names.next(null, from.names(), "fkey"), table, d));
        }
    }

    private static String action(String event, String action) {
        return action == null || action.equalsIgnoreCase("NO ACTION") ? "" : " ON " + event + " " + action.toUpperCase(Locale.ROOT);
    }

    /** The canonical text of a CREATE statement; {@code IF NOT EXISTS} is dropped, as it changes nothing stored. */
    private static String definition(String sql) {
        List<SqliteSqlText.Token> tokens = new ArrayList<>(SqliteSqlText.tokenize(sql));
        for (int i = 0; i + 2 < tokens.size() && i < 6; i++) {
            if (tokens.get(i).isWord("if") && tokens.get(i + 1).isWord("not") && tokens.get(i + 2).isWord("exists")) {
                tokens.subList(i, i + 3).clear();
                break;
            }
        }
        return SqliteSqlText.render(tokens);
    }

    private static String columnList(Iterable<String> columns) {
        return "(" + String.join(", ", columns) + ")";
    }

    private static PreparedStatement prepare(Connection connection, String sql, String parameter) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            statement.setString(1, parameter);
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
