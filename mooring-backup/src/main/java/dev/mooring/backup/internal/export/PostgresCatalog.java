package dev.mooring.backup.internal.export;

import dev.mooring.migrate.MigrationConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the user tables, their columns, primary keys and foreign keys from {@code pg_catalog}. User tables are the
 * ordinary and partitioned tables (partitions are read through their parent) of every schema except PostgreSQL's
 * own, temporary schemas and Mooring's {@code mooring} schema; the migration history table is left out. Stateless.
 */
final class PostgresCatalog {
    private static final String SCHEMA_FILTER = """
            n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'mooring')
            AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
            """;

    private static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                   COALESCE(a.attnum = ANY (pk.conkey), false) AS in_pk,
                   array_position(pk.conkey, a.attnum) AS pk_position
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> ?
              AND\s""" + SCHEMA_FILTER + """
            ORDER BY n.nspname, c.relname, a.attnum
            """;

    // unnest(conkey, confkey) pairs each child column with the parent column it references, in key order.
    private static final String FOREIGN_KEYS = """
            SELECT con.oid, cn.nspname, cc.relname, pn.nspname, pc.relname, ca.attname, pa.attname
            FROM pg_constraint con
            JOIN pg_class cc ON cc.oid = con.conrelid
            JOIN pg_namespace cn ON cn.oid = cc.relnamespace
            JOIN pg_class pc ON pc.oid = con.confrelid
            JOIN pg_namespace pn ON pn.oid = pc.relnamespace
            CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(child_att, parent_att, ord)
            JOIN pg_attribute ca ON ca.attrelid = con.conrelid AND ca.attnum = k.child_att
            JOIN pg_attribute pa ON pa.attrelid = con.confrelid AND pa.attnum = k.parent_att
            WHERE con.contype = 'f' AND con.conparentid = 0
            ORDER BY cn.nspname, cc.relname, con.conname, con.oid, k.ord
            """;

    private PostgresCatalog() {
    }

    static SchemaModel read(Connection connection) throws SQLException {
        return new SchemaModel(tables(connection), foreignKeys(connection), false);
    }

    private static List<Table> tables(Connection connection) throws SQLException {
        Map<TableRef, List<Column>> columns = new LinkedHashMap<>();
        Map<TableRef, Map<Integer, String>> keys = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setString(1, MigrationConfig.DEFAULT_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableRef ref = new TableRef(rs.getString(1), rs.getString(2));
                    columns.computeIfAbsent(ref, r -> new ArrayList<>()).add(new Column(rs.getString(3), rs.getString(4)));
                    Map<Integer, String> key = keys.computeIfAbsent(ref, r -> new java.util.TreeMap<>());
                    if (rs.getBoolean(5)) {
                        key.put(rs.getInt(6), rs.getString(3));
                    }
                }
            }
        }
        List<Table> out = new ArrayList<>();
        columns.forEach((ref, cols) -> out.add(new Table(ref, cols, List.copyOf(keys.get(ref).values()))));
        return out;
    }

    private static List<ForeignKey> foreignKeys(Connection connection) throws SQLException {
        List<ForeignKey> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(FOREIGN_KEYS); ResultSet rs = ps.executeQuery()) {
            long current = -1;
            TableRef child = null;
            TableRef parent = null;
            List<String> childColumns = new ArrayList<>();
            List<String> parentColumns = new ArrayList<>();
            while (rs.next()) {
                if (rs.getLong(1) != current) {
                    if (child != null) {
                        out.add(new ForeignKey(child, childColumns, parent, parentColumns));
                    }
                    current = rs.getLong(1);
                    child = new TableRef(rs.getString(2), rs.getString(3));
                    parent = new TableRef(rs.getString(4), rs.getString(5));
                    childColumns = new ArrayList<>();
                    parentColumns = new ArrayList<>();
                }
                childColumns.add(rs.getString(6));
                parentColumns.add(rs.getString(7));
            }
            if (child != null) {
                out.add(new ForeignKey(child, childColumns, parent, parentColumns));
            }
        }
        return out;
    }
}
