package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.postgres.StatementShapes.CopyShape;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a confined restore ({@link ConfinedRun}) fills a table. {@code COPY … FROM stdin} cannot run inside a function, so
 * it runs in the session itself, where code is not confined: straight into the table only when filling it can call no
 * code at all; otherwise into a temporary staging table of plain columns, from which one {@code INSERT … SELECT},
 * confined, fills the table and so runs its CHECK constraints, domains, generated columns, partition keys, indexes and
 * triggers. A COPY fills a table with no code when, just before it runs, the table is a plain, non-partition table
 * without triggers, indexes, constraints (but NOT NULL), row security or generated columns, every column is listed
 * and of a base or enum type (or an array of one), whose input functions are the server's own.
 *
 * <p>Staging column types keep the COPY's meaning: a plain column is staged as itself, a domain over a plain type as
 * that type with the domain's modifier, anything else as text cast to the column's type by its input function.
 * Single use per COPY; not thread-safe.
 */
final class StagedCopy {
    private static final String STAGE = "pg_temp.mooring_restore_stage";
    private static final String PLAIN = "t.typtype IN ('b', 'e') AND (te.oid IS NULL OR te.typtype IN ('b', 'e'))";
    private static final String DOMAIN_OVER_PLAIN = "t.typtype = 'd' AND b.typtype IN ('b', 'e')"
            + " AND (be.oid IS NULL OR be.typtype IN ('b', 'e'))";
    // Only qualified names and no type names: the backup's code may have left objects in pg_temp, searched first.
    private static final String COLUMNS = """
            SELECT a.attname::pg_catalog.text, a.attgenerated <> '', %1$s,
                   CASE WHEN %1$s THEN pg_catalog.format_type(a.atttypid, a.atttypmod)
                        WHEN %2$s THEN pg_catalog.format_type(t.typbasetype, t.typtypmod)
                        ELSE 'pg_catalog.text' END,
                   (%1$s) OR (%2$s),
                   pg_catalog.format_type(a.atttypid, a.atttypmod),
                   c.relkind = 'r' AND NOT c.relispartition AND NOT c.relrowsecurity
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_trigger g WHERE g.tgrelid = c.oid)
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid)
                       AND NOT EXISTS (SELECT FROM pg_catalog.pg_constraint k WHERE k.conrelid = c.oid AND k.contype <> 'n')
            FROM pg_catalog.pg_class c
            LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_type te ON te.oid = t.typelem AND t.typcategory = 'A'
            LEFT JOIN pg_catalog.pg_type b ON b.oid = t.typbasetype
            LEFT JOIN pg_catalog.pg_type be ON be.oid = b.typelem AND b.typcategory = 'A'
            WHERE c.oid = ?::pg_catalog.oid
            ORDER BY a.attnum""".formatted(PLAIN, DOMAIN_OVER_PLAIN);

    /** A column as the catalog has it. */
    private record Column(String name, boolean generated, boolean plain, String stageType, boolean assignable,
                          String type) {
    }

    /** A table as the catalog has it: whether it is plain (see the class comment), and its columns. */
    private record Table(boolean plain, Map<String, Column> columns) {
        boolean fillsWithoutCode(List<String> listed) {
            return plain && columns.keySet().containsAll(listed) && listed.containsAll(columns.keySet())
                    && columns.values().stream().allMatch(c -> c.plain() && !c.generated());
        }
    }

    private final String table;
    private final List<String> columns;
    private final Map<String, Column> byName;

    private StagedCopy(String table, List<String> columns, Map<String, Column> byName) {
        this.table = table;
        this.columns = columns;
        this.byName = byName;
    }

    /**
     * The staging of the script's {@code copySql}, a {@code COPY … FROM stdin} the allow-list admitted, or {@code null}
     * when it can go straight into its table.
     */
    static StagedCopy plan(Connection conn, String copySql) throws SQLException {
        CopyShape copy = StatementShapes.read(StatementTokens.of(copySql)).copy();
        Table target = table(conn, relation(conn, copy.table().get(0), copy.table().get(1)));
        String name = PostgresRestore.quote(copy.table().get(0)) + "." + PostgresRestore.quote(copy.table().get(1));
        return target.fillsWithoutCode(copy.columns()) ? null : new StagedCopy(name, copy.columns(), target.columns());
    }

    /** Creates the staging table; returns the COPY that fills it. */
    String begin(Connection conn) throws SQLException {
        List<String> definitions = new ArrayList<>();
        for (String name : columns) {
            Column column = byName.get(name);
            if (column == null) {
                throw new SQLException("column " + name + " of " + table + " does not exist", "42703");
            }
            definitions.add(PostgresRestore.quote(name) + " " + column.stageType());
        }
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE " + STAGE + " (" + String.join(", ", definitions) + ")");
            String oid = single(s, "SELECT pg_catalog.to_regclass('" + STAGE + "')::pg_catalog.oid");
            // A type of the same name in pg_temp would have been taken instead of the server's own.
            if (!table(conn, oid).fillsWithoutCode(columns)) {
                throw new SQLException("the staging table for " + table + " is not what Mooring created: the backup's"
                        + " code created types in the restore's temporary schema", "42501");
            }
        }
        return "COPY " + STAGE + quotedColumns() + " FROM stdin";
    }

    /** Fills the table from the staging table, as {@code role}, and drops the staging table; returns the rows. */
    long finish(Connection conn, RestoreRole role) throws SQLException {
        List<String> values = new ArrayList<>();
        for (String name : columns) {
            Column column = byName.get(name);
            values.add(PostgresRestore.quote(name) + (column.assignable() ? "" : "::" + column.type()));
        }
        long rows = role.run("INSERT INTO " + table + quotedColumns() + " OVERRIDING SYSTEM VALUE SELECT "
                + String.join(", ", values) + " FROM " + STAGE);
        try (Statement s = conn.createStatement()) {
            s.execute("DROP TABLE " + STAGE);
        }
        return rows;
    }

    /** The column list, " (a, b)", or nothing for a table without columns. */
    private String quotedColumns() {
        return columns.isEmpty() ? "" : " (" + String.join(", ", columns.stream().map(PostgresRestore::quote).toList()) + ")";
    }

    private static String relation(Connection conn, String schema, String name) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT c.oid FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("relation " + schema + "." + name + " does not exist", "42P01");
                }
                return rs.getString(1);
            }
        }
    }

    private static Table table(Connection conn, String oid) throws SQLException {
        Map<String, Column> byName = new HashMap<>();
        boolean plain = false;
        try (PreparedStatement ps = conn.prepareStatement(COLUMNS)) {
            ps.setString(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plain = rs.getBoolean(7);
                    if (rs.getString(1) != null) {
                        byName.put(rs.getString(1), new Column(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
                                rs.getString(4), rs.getBoolean(5), rs.getString(6)));
                    }
                }
            }
        }
        return new Table(plain, byName);
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
