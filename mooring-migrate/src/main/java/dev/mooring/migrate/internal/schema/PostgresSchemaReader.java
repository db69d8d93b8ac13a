package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.SchemaDifference.ObjectType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a PostgreSQL schema from {@code pg_catalog}, letting the server print definitions
 * ({@code pg_get_indexdef}, {@code pg_get_constraintdef}, {@code pg_get_viewdef}, {@code format_type}, …)
 * so that equal objects print equally. Tables, columns, constraints, indexes, views and triggers are read
 * here; sequences, types, functions and extensions by {@link PostgresRoutineReader}.
 * <p>
 * The server qualifies a name in a definition with its schema only when that schema is not on the
 * {@code search_path}; two sessions with different paths would print the same schema differently. So the
 * path is pinned to {@code public} while reading and restored afterwards. Not thread-safe with respect to
 * the connection: use it from one thread.
 */
final class PostgresSchemaReader {
    /** Mooring's bookkeeping schema (change log, sync sessions): never part of the application's schema. */
    static final String MOORING_SCHEMA = "mooring";

    /** True for rows whose namespace {@code n} belongs to the application; bind {@link #MOORING_SCHEMA} to its parameter. */
    static final String IN_USER_SCHEMA =
            "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)' AND n.nspname <> ?";

    private static final String TABLES = """
            SELECT n.nspname, c.relname, c.relkind, c.relpersistence,
                   pg_get_partkeydef(c.oid) AS partition_key,
                   pn.nspname AS parent_schema, p.relname AS parent_name,
                   pg_get_expr(c.relpartbound, c.oid) AS partition_bound
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
            LEFT JOIN pg_class p ON p.oid = i.inhparent
            LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace
            WHERE c.relkind IN ('r', 'p') AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid) AS default_expression, a.attidentity, a.attgenerated,
                   CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    // NOT NULL constraints (contype 'n', PostgreSQL 18) are left out: the column's nullability says it.
    private static final String CONSTRAINTS = """
            SELECT n.nspname, c.relname, con.conname, pg_get_constraintdef(con.oid, true) AS definition
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND c.relkind IN ('r', 'p') AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    // An index that implements a primary key, unique or exclusion constraint is reported as that constraint.
    private static final String INDEXES = """
            SELECT n.nspname, c.relname, i.relname AS index_name, pg_get_indexdef(i.oid) AS definition, x.indisvalid
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'm') AND %s AND %s
              AND NOT EXISTS (SELECT FROM pg_constraint con
                              WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid
                                AND con.contype IN ('p', 'u', 'x'))
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    private static final String VIEWS = """
            SELECT n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true) AS definition
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    // Internal triggers implement foreign keys; triggers calling Mooring's own functions are change capture.
    private static final String TRIGGERS = """
            SELECT n.nspname, c.relname, t.tgname, pg_get_triggerdef(t.oid) AS definition, t.tgenabled
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc f ON f.oid = t.tgfoid
            JOIN pg_namespace fn ON fn.oid = f.pronamespace
            WHERE NOT t.tgisinternal AND fn.nspname <> ? AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    private PostgresSchemaReader() {
    }

    /** Reads every object of the application's schemas. */
    static List<SchemaObject> read(Connection connection) throws SQLException {
        String searchPath = searchPath(connection);
        setSearchPath(connection, "public");
        SQLException failure = null;
        try {
            List<SchemaObject> objects = new ArrayList<>();
            readRelations(connection, objects);
            PostgresRoutineReader.read(connection, objects);
            return objects;
        } catch (SQLException e) {
            failure = e;
            throw e;
        } finally {
            try {
                setSearchPath(connection, searchPath);
            } catch (SQLException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    private static void readRelations(Connection connection, List<SchemaObject> out) throws SQLException {
        query(connection, TABLES, out, rs -> {
            String name = qualified(rs.getString("nspname"), rs.getString("relname"));
            return new SchemaObject(ObjectType.TABLE, name, name, describeTable(rs));
        }, MOORING_SCHEMA);
        query(connection, COLUMNS, out, rs -> {
            String table = qualified(rs.getString("nspname"), rs.getString("relname"));
            return new SchemaObject(ObjectType.COLUMN, table + "." + rs.getString("attname"), table, describeColumn(rs));
        }, MOORING_SCHEMA);
        query(connection, CONSTRAINTS, out, rs -> {
            String table = qualified(rs.getString("nspname"), rs.getString("relname"));
            return new SchemaObject(ObjectType.CONSTRAINT, table + "." + rs.getString("conname"), table,
                    collapseWhitespace(rs.getString("definition")));
        }, MOORING_SCHEMA);
        query(connection, INDEXES, out, rs -> {
            String schema = rs.getString("nspname");
            String definition = collapseWhitespace(rs.getString("definition"));
            return new SchemaObject(ObjectType.INDEX, qualified(schema, rs.getString("index_name")),
                    qualified(schema, rs.getString("relname")),
                    rs.getBoolean("indisvalid") ? definition : definition + " (invalid)");
        }, MOORING_SCHEMA);
        query(connection, VIEWS, out, rs -> {
            String name = qualified(rs.getString("nspname"), rs.getString("relname"));
            String definition = collapseWhitespace(rs.getString("definition"));
            return new SchemaObject(ObjectType.VIEW, name, name,
                    "m".equals(rs.getString("relkind")) ? "materialized: " + definition : definition);
        }, MOORING_SCHEMA);
        query(connection, TRIGGERS, out, rs -> {
            String table = qualified(rs.getString("nspname"), rs.getString("relname"));
            return new SchemaObject(ObjectType.TRIGGER, table + "." + rs.getString("tgname"), table,
                    collapseWhitespace(rs.getString("definition")) + triggerState(rs.getString("tgenabled")));
        }, MOORING_SCHEMA, MOORING_SCHEMA);
    }

    private static String describeTable(ResultSet rs) throws SQLException {
        StringBuilder d = new StringBuilder();
        if ("u".equals(rs.getString("relpersistence"))) {
            d.append("unlogged ");
        }
        d.append("table");
        if ("p".equals(rs.getString("relkind"))) {
            d.append(", partitioned by ").append(rs.getString("partition_key"));
        }
        if (rs.getString("parent_name") != null) {
            d.append(", partition of ").append(qualified(rs.getString("parent_schema"), rs.getString("parent_name")))
                    .append(' ').append(rs.getString("partition_bound"));
        }
        return d.toString();
    }

    private static String describeColumn(ResultSet rs) throws SQLException {
        StringBuilder d = new StringBuilder(rs.getString("type"));
        String collation = rs.getString("collation");
        if (collation != null) {
            d.append(" collate ").append(collation);
        }
        d.append(rs.getBoolean("attnotnull") ? ", not null" : ", nullable");
        String expression = rs.getString("default_expression");
        String generated = rs.getString("attgenerated");
        if ("s".equals(generated) || "v".equals(generated)) {
            d.append(", generated always as (").append(collapseWhitespace(expression))
                    .append("s".equals(generated) ? ") stored" : ") virtual");
        } else if (expression != null) {
            d.append(", default ").append(collapseWhitespace(expression));
        }
        switch (rs.getString("attidentity")) {
            case "a" -> d.append(", generated always as identity");
            case "d" -> d.append(", generated by default as identity");
            default -> {
                // not an identity column
            }
        }
        return d.toString();
    }

    private static String triggerState(String tgenabled) {
        return switch (tgenabled) {
            case "D" -> " (disabled)";
            case "R" -> " (enabled on replicas only)";
            case "A" -> " (enabled always)";
            default -> "";
        };
    }

    /** A row turned into a schema object. */
    @FunctionalInterface
    interface RowReader {
        SchemaObject read(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} with {@code parameters} bound in order, adding an object per row. */
    static void query(Connection connection, String sql, List<SchemaObject> out, RowReader reader,
                      String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    out.add(reader.read(rs));
                }
            }
        }
    }

    /** SQL that is true when the object {@code oid} of catalog {@code catalog} does not belong to an extension. */
    static String notExtensionMember(String catalog, String oid) {
        return "NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '" + catalog + "'::regclass AND e.objid = "
                + oid + " AND e.deptype = 'e')";
    }

    /** The name people use: unqualified in {@code public}, {@code schema.name} elsewhere. */
    static String qualified(String schema, String name) {
        return "public".equals(schema) ? name : schema + "." + name;
    }

    /** Definitions with the same tokens compare equal whatever the line breaks and indentation. */
    static String collapseWhitespace(String definition) {
        String collapsed = definition.strip().replaceAll("\\s+", " ");
        return collapsed.endsWith(";") ? collapsed.substring(0, collapsed.length() - 1).stripTrailing() : collapsed;
    }

    private static String searchPath(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting('search_path')");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void setSearchPath(Connection connection, String path) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT set_config('search_path', ?, false)")) {
            statement.setString(1, path);
            statement.executeQuery().close();
        }
    }
}
