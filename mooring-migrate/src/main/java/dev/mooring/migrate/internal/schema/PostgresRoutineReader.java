package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.SchemaDifference.ObjectType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.IN_USER_SCHEMA;
import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.MOORING_SCHEMA;
import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.collapseWhitespace;
import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.notExtensionMember;
import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.qualified;
import static dev.mooring.migrate.internal.schema.PostgresSchemaReader.query;

/**
 * Reads the PostgreSQL objects that do not belong to one table: sequences, enum and domain types, functions
 * and procedures, and extensions. Objects created by an extension (pg_trgm's functions, say) are left out:
 * the extension stands for them. Called by {@link PostgresSchemaReader} with the search path pinned.
 */
final class PostgresRoutineReader {
    // Identity columns own a sequence the server names and manages; the column's description covers it.
    private static final String SEQUENCES = """
            SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart, s.seqincrement,
                   s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
                   tn.nspname AS table_schema, t.relname AS table_name, a.attname AS column_name
            FROM pg_sequence s
            JOIN pg_class c ON c.oid = s.seqrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                 AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'
            LEFT JOIN pg_class t ON t.oid = d.refobjid
            LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE %s AND %s
              AND NOT EXISTS (SELECT FROM pg_depend i
                              WHERE i.classid = 'pg_class'::regclass AND i.objid = c.oid AND i.deptype = 'i')
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_class", "c.oid"));

    private static final String ENUMS = """
            SELECT n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS labels
            FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
            JOIN pg_enum e ON e.enumtypid = t.oid
            WHERE %s AND %s
            GROUP BY n.nspname, t.typname
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_type", "t.oid"));

    private static final String DOMAINS = """
            SELECT n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod) AS base_type, t.typnotnull,
                   t.typdefault,
                   (SELECT string_agg(pg_get_constraintdef(con.oid, true), ' ' ORDER BY con.conname)
                    FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks
            FROM pg_type t
            JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE t.typtype = 'd' AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_type", "t.oid"));

    // pg_get_functiondef cannot print aggregates; functions and procedures are what migrations write.
    private static final String FUNCTIONS = """
            SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS arguments,
                   pg_get_functiondef(p.oid) AS definition
            FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.prokind IN ('f', 'p') AND %s AND %s
            """.formatted(IN_USER_SCHEMA, notExtensionMember("pg_proc", "p.oid"));

    // Versions are left out: servers of different releases install different default versions.
    private static final String EXTENSIONS = """
            SELECT e.extname, n.nspname
            FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace
            """;

    private PostgresRoutineReader() {
    }

    static void read(Connection connection, List<SchemaObject> out) throws SQLException {
        query(connection, SEQUENCES, out, rs -> {
            String owner = rs.getString("table_name") == null ? null
                    : qualified(rs.getString("table_schema"), rs.getString("table_name"));
            return new SchemaObject(ObjectType.SEQUENCE, qualified(rs.getString("nspname"), rs.getString("relname")),
                    owner, describeSequence(rs, owner));
        }, MOORING_SCHEMA);
        query(connection, ENUMS, out, rs -> new SchemaObject(ObjectType.TYPE,
                qualified(rs.getString("nspname"), rs.getString("typname")), null,
                "enum (" + rs.getString("labels") + ")"), MOORING_SCHEMA);
        query(connection, DOMAINS, out, rs -> new SchemaObject(ObjectType.TYPE,
                qualified(rs.getString("nspname"), rs.getString("typname")), null, describeDomain(rs)), MOORING_SCHEMA);
        query(connection, FUNCTIONS, out, rs -> new SchemaObject(ObjectType.FUNCTION,
                qualified(rs.getString("nspname"), rs.getString("proname")) + "(" + rs.getString("arguments") + ")",
                null, collapseWhitespace(rs.getString("definition"))), MOORING_SCHEMA);
        query(connection, EXTENSIONS, out, rs -> new SchemaObject(ObjectType.EXTENSION,
                rs.getString("extname"), null, "in schema " + rs.getString("nspname")));
    }

    private static String describeSequence(ResultSet rs, String owner) throws SQLException {
        String d = rs.getString("type")
                + ", start " + rs.getLong("seqstart")
                + ", increment " + rs.getLong("seqincrement")
                + ", min " + rs.getLong("seqmin")
                + ", max " + rs.getLong("seqmax")
                + ", cache " + rs.getLong("seqcache")
                + (rs.getBoolean("seqcycle") ? ", cycle" : ", no cycle");
        return owner == null ? d : d + ", owned by " + owner + "." + rs.getString("column_name");
    }

    private static String describeDomain(ResultSet rs) throws SQLException {
        StringBuilder d = new StringBuilder("domain over ").append(rs.getString("base_type"));
        if (rs.getBoolean("typnotnull")) {
            d.append(", not null");
        }
        String defaultExpression = rs.getString("typdefault");
        if (defaultExpression != null) {
            d.append(", default ").append(collapseWhitespace(defaultExpression));
        }
        String checks = rs.getString("checks");
        if (checks != null) {
            d.append(", ").append(collapseWhitespace(checks));
        }
        return d.toString();
    }
}
