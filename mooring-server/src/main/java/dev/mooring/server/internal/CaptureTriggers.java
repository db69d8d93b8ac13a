package dev.mooring.server.internal;

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
 * The capture trigger of each synced table: {@code mooring_capture}, AFTER INSERT OR UPDATE OR DELETE, FOR EACH ROW,
 * calling {@code mooring.capture(sync name, owner column)}. The function reads rows as jsonb, so a migration that adds
 * or drops columns needs no new trigger; only a changed sync name or owner column does. Stateless.
 */
public final class CaptureTriggers {
    static final String TRIGGER = "mooring_capture";

    /** What {@link #apply} did, by sync table name. */
    public record Outcome(List<String> created, List<String> upToDate, List<String> removed) {
    }

    private CaptureTriggers() {
    }

    /** Creates or replaces the triggers {@code catalog} needs and drops those of tables no longer synced. */
    public static Outcome apply(Connection c, TableCatalog catalog) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(hashtext('mooring.capture_triggers'))");
        }
        Map<Long, String> existing = existing(c);
        List<String> created = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        Map<Long, String> wanted = new HashMap<>();
        for (TableCatalog.Table table : catalog.tables()) {
            long oid = oid(c, table.sqlName());
            String definition = definition(table);
            wanted.put(oid, definition);
            if (definition.equals(existing.get(oid))) {
                upToDate.add(table.sync().name());
                continue;
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE OR REPLACE TRIGGER " + TRIGGER + " AFTER INSERT OR UPDATE OR DELETE ON "
                        + table.sqlName() + " FOR EACH ROW EXECUTE FUNCTION mooring.capture(" + literal(table.sync().name())
                        + ", " + literal(table.sync().ownerColumn() == null ? "" : table.sync().ownerColumn()) + ")");
            }
            created.add(table.sync().name());
        }
        List<String> removed = new ArrayList<>();
        for (Map.Entry<Long, String> e : existing.entrySet()) {
            if (!wanted.containsKey(e.getKey())) {
                String name = tableName(c, e.getKey());
                try (Statement s = c.createStatement()) {
                    s.execute("DROP TRIGGER " + TRIGGER + " ON " + name);
                }
                removed.add(name);
            }
        }
        return new Outcome(created, upToDate, removed);
    }

    /** The arguments a table's trigger must pass, as the comparison key. */
    private static String definition(TableCatalog.Table table) {
        return table.sync().name() + "\u0000" + (table.sync().ownerColumn() == null ? "" : table.sync().ownerColumn());
    }

    /** Existing capture triggers: table oid → their arguments in {@link #definition} form. */
    private static Map<Long, String> existing(Connection c) throws SQLException {
        String sql = """
                SELECT t.tgrelid::bigint, t.tgargs, t.tgnargs
                  FROM pg_trigger t
                  JOIN pg_proc p ON p.oid = t.tgfoid
                  JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE t.tgname = ? AND n.nspname = 'mooring' AND p.proname = 'capture'
                """;
        Map<Long, String> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, TRIGGER);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // tgargs is the arguments, each followed by a NUL byte
                    String args = new String(rs.getBytes(2), java.nio.charset.StandardCharsets.UTF_8);
                    found.put(rs.getLong(1), args.endsWith("\u0000") ? args.substring(0, args.length() - 1) : args);
                }
            }
        }
        return found;
    }

    private static long oid(Connection c, String sqlName) throws SQLException {
        return Long.parseLong(single(c, "SELECT to_regclass(?)::oid::bigint::text", sqlName));
    }

    private static String tableName(Connection c, long oid) throws SQLException {
        return single(c, "SELECT ?::bigint::oid::regclass::text", Long.toString(oid));
    }

    private static String single(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A string literal for trigger arguments; the values are validated identifiers, quoting is belt and braces. */
    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
