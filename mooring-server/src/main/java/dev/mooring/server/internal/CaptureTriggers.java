package dev.mooring.server.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The capture triggers of each synced table: three statement-level AFTER triggers with transition tables
 * ({@code mooring_capture_insert}, {@code _update}, {@code _delete}), calling {@code mooring.capture_*(sync name,
 * owner column)}, which record every row a statement wrote in set-based SQL. The functions read rows as jsonb, so a
 * migration that adds or drops columns needs no new trigger; only a changed sync name or owner column does. Tables
 * installed with the earlier row-level {@code mooring_capture} trigger are switched over in the same transaction, so
 * no write goes uncaptured. Stateless.
 */
public final class CaptureTriggers {
    private static final Map<String, String> TRIGGERS = Map.of(
            "mooring_capture_insert", "AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows",
            "mooring_capture_update", "AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "mooring_capture_delete", "AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows");

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
        Map<Long, Map<String, String>> existing = existing(c);
        List<String> created = new ArrayList<>();
        List<String> upToDate = new ArrayList<>();
        Set<Long> wanted = new HashSet<>();
        for (TableCatalog.Table table : catalog.tables()) {
            long oid = oid(c, table.sqlName());
            wanted.add(oid);
            String args = table.sync().name() + "\u0000" + (table.sync().ownerColumn() == null ? "" : table.sync().ownerColumn());
            Map<String, String> expected = new HashMap<>();
            TRIGGERS.keySet().forEach(name -> expected.put(name, args));
            if (expected.equals(existing.get(oid))) {
                upToDate.add(table.sync().name());
                continue;
            }
            drop(c, existing.getOrDefault(oid, Map.of()).keySet(), table.sqlName());
            for (Map.Entry<String, String> trigger : TRIGGERS.entrySet()) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TRIGGER " + trigger.getKey() + " " + String.format(trigger.getValue(), table.sqlName())
                            + " FOR EACH STATEMENT EXECUTE FUNCTION mooring." + trigger.getKey().substring("mooring_".length())
                            + "(" + literal(table.sync().name()) + ", "
                            + literal(table.sync().ownerColumn() == null ? "" : table.sync().ownerColumn()) + ")");
                }
            }
            created.add(table.sync().name());
        }
        List<String> removed = new ArrayList<>();
        for (Map.Entry<Long, Map<String, String>> e : existing.entrySet()) {
            if (!wanted.contains(e.getKey())) {
                String name = tableName(c, e.getKey());
                drop(c, e.getValue().keySet(), name);
                removed.add(name);
            }
        }
        return new Outcome(created, upToDate, removed);
    }

    private static void drop(Connection c, Set<String> triggers, String table) throws SQLException {
        for (String trigger : triggers) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER " + TableCatalog.quote(trigger) + " ON " + table);
            }
        }
    }

    /** Existing capture triggers: table oid → trigger name → its arguments, NUL-separated. */
    private static Map<Long, Map<String, String>> existing(Connection c) throws SQLException {
        String sql = """
                SELECT t.tgrelid::bigint, t.tgname, t.tgargs
                  FROM pg_trigger t
                  JOIN pg_proc p ON p.oid = t.tgfoid
                  JOIN pg_namespace n ON n.oid = p.pronamespace
                 WHERE n.nspname = 'mooring' AND p.proname IN ('capture', 'capture_insert', 'capture_update', 'capture_delete')
                """;
        Map<Long, Map<String, String>> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // tgargs is the arguments, each followed by a NUL byte
                String args = new String(rs.getBytes(3), java.nio.charset.StandardCharsets.UTF_8);
                found.computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                        .put(rs.getString(2), args.endsWith("\u0000") ? args.substring(0, args.length() - 1) : args);
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
