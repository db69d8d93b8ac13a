package dev.mooring.server.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sharing triggers: statement-level AFTER triggers, generated from the compiled rules ({@link TableAccess}), that
 * write {@code mooring.shared_feed}. On a shared table they name, for every row written, each user besides the owner
 * who sees it (before or after the write); on a table a rule passes through (shares, group memberships) they name
 * every user and row the write may have opened or closed. A pull turns each entry into the row as that user may see
 * it then, or a removal, so entries only need to be complete, not exact. An entry for a user who saw a live row both
 * before and after an update names the change the capture trigger logged for it ({@code change_seq}): that user's
 * devices hold the row, and get the change as the owner's devices do.
 *
 * <p>Why the locks: a write that makes a row visible to a user and a concurrent write of that row each compute their
 * users in their own snapshot, and neither sees the other; the row could then reach the user without the concurrent
 * edit and never get it. Both lock the values they join on (transaction-level advisory locks, hashed into 1,024
 * keys): writes of rows take them shared, writes along a rule's path exclusive, and the statement that computes the
 * users runs after the lock, in a snapshot that sees the other transaction committed. This assumes the default READ
 * COMMITTED isolation for writes to these tables. Stateless.
 */
public final class AccessTriggers {
    private static final int LOCK_CLASS = 1836019570;
    private static final Map<String, String> EVENTS = Map.of(
            "insert", "AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows",
            "update", "AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            "delete", "AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows");

    private AccessTriggers() {
    }

    /** Drops the sharing triggers there are and creates those {@code catalog}'s rules need. */
    public static void apply(Connection c, TableCatalog catalog) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(hashtext('mooring.capture_triggers'))");
        }
        dropAll(c);
        Map<String, List<TableAccess>> fanOut = new LinkedHashMap<>();
        Set<String> triggered = new LinkedHashSet<>();
        for (TableAccess access : catalog.accessRules()) {
            if (access.shared()) {
                fanOut.computeIfAbsent(access.table().sqlName(), k -> new ArrayList<>()).add(access);
                triggered.add(access.table().sqlName());
                triggered.addAll(access.pathTables());
            }
        }
        for (String table : triggered) {
            long oid;
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)::oid::bigint")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    oid = rs.getLong(1);
                }
            }
            for (Map.Entry<String, String> event : EVENTS.entrySet()) {
                String function = "mooring.access_" + oid + "_" + event.getKey();
                String body = body(event.getKey(), table, fanOut.getOrDefault(table, List.of()), catalog.accessRules());
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $mooring$\nBEGIN\n"
                            + emptyStatementReturns(event.getKey(), body) + body + "    RETURN NULL;\nEND;\n$mooring$");
                    s.execute("CREATE TRIGGER mooring_share_" + event.getKey() + " " + String.format(event.getValue(), table)
                            + " FOR EACH STATEMENT EXECUTE FUNCTION " + function + "()");
                }
            }
        }
    }

    /**
     * An update or delete that wrote no row changes nobody's view, and returns before the locks and the readers query.
     * Such statements are common: a foreign key's cascade, or an application's trigger that tombstones a row's
     * children, runs one statement per parent row on every referencing table, and statement-level triggers fire for
     * each even when it writes nothing. An empty insert is rare, so inserts do not pay for the check.
     */
    private static String emptyStatementReturns(String event, String body) {
        if (body.isEmpty() || event.equals("insert")) {
            return "";
        }
        return "    IF NOT EXISTS (SELECT FROM " + (event.equals("delete") ? "old_rows" : "new_rows") + ") THEN\n"
                + "        RETURN NULL;\n    END IF;\n";
    }

    private static String body(String event, String table, List<TableAccess> shared, List<TableAccess> all) {
        List<String> relations = event.equals("update") ? List.of("new_rows", "old_rows")
                : List.of(event.equals("insert") ? "new_rows" : "old_rows");
        StringBuilder sql = new StringBuilder();
        List<String> readerKeys = new ArrayList<>();
        List<String> readers = new ArrayList<>();
        Map<String, List<String>> seen = new LinkedHashMap<>();
        for (TableAccess access : shared) {
            for (String relation : relations) {
                access.readerKeys().forEach(key -> readerKeys.add("SELECT " + key + "::text AS v FROM " + relation + " x"));
                if (relations.size() == 2) {
                    seen.computeIfAbsent(relation, r -> new ArrayList<>()).add(access.readers(relation, true));
                } else {
                    readers.add(access.readers(relation, false));
                }
            }
        }
        String with = "";
        boolean kept = !seen.isEmpty();
        if (kept) {
            // who sees each written row before and after, computed once: a user who saw a live row on both sides
            // gets the update's change (its columns), as the owner's devices do; everyone else whose view of the row
            // may have changed gets it whole or a removal
            with = "    WITH rn AS MATERIALIZED (" + String.join(" UNION ", seen.get("new_rows")) + "),\n"
                    + "         ro AS MATERIALIZED (" + String.join(" UNION ", seen.get("old_rows")) + "),\n"
                    + "         kept AS MATERIALIZED (SELECT ord, tbl, rid, reader FROM rn WHERE live"
                    + " INTERSECT SELECT ord, tbl, rid, reader FROM ro WHERE live)\n";
            readers.add("((SELECT ord, tbl, rid, reader FROM rn UNION SELECT ord, tbl, rid, reader FROM ro)"
                    + " EXCEPT SELECT ord, tbl, rid, reader FROM kept)");
        }
        List<String> moveKeys = new ArrayList<>();
        Map<String, List<String>> moves = new LinkedHashMap<>();
        for (TableAccess access : all) {
            for (String relation : relations) {
                access.moveKeys(table).forEach(key -> moveKeys.add("SELECT " + key + "::text AS v FROM " + relation + " y"));
                moves.computeIfAbsent(relation, r -> new ArrayList<>()).addAll(access.moves(table, relation));
            }
        }
        lock(sql, readerKeys, "pg_advisory_xact_lock_shared");
        lock(sql, moveKeys, "pg_advisory_xact_lock");
        List<String> entries = new ArrayList<>(readers);
        if (relations.size() == 2) {
            String after = String.join(" UNION ", moves.getOrDefault("new_rows", List.of()));
            String before = String.join(" UNION ", moves.getOrDefault("old_rows", List.of()));
            if (!after.isEmpty()) {
                // only pairs a write opened or closed: a write that changed nothing a rule reads moves nothing
                entries.add("(" + after + " EXCEPT " + before + ")");
                entries.add("(" + before + " EXCEPT " + after + ")");
            }
        } else {
            entries.addAll(moves.getOrDefault(relations.get(0), List.of()));
        }
        if (entries.isEmpty()) {
            return sql.toString();
        }
        String flagged = "SELECT ord, tbl, rid, reader, false AS kept FROM (" + String.join("\n        UNION ", entries) + ") m";
        if (kept) {
            flagged += "\n        UNION ALL SELECT ord, tbl, rid, reader, true FROM kept";
        }
        // A kept entry names the change the update wrote to the log (the capture trigger, mooring_capture_update,
        // fires before this one: triggers fire in name order); an update that changed no captured column wrote none,
        // and a reader who saw the row before and after has nothing to get. A pair that is kept by one path and
        // moved by another goes whole.
        sql.append(with).append("    INSERT INTO mooring.shared_feed (audience, table_name, record_id, change_seq)\n")
                .append("    SELECT reader, tbl, rid, change_seq FROM (\n")
                .append("      SELECT reader, tbl, rid, min(ord) AS ord, bool_and(kept) AS kept,\n")
                .append("             CASE WHEN bool_and(kept) THEN (SELECT l.seq FROM mooring.column_versions v\n")
                .append("                 JOIN mooring.change_log l ON l.seq = v.last_seq AND l.xid = pg_current_xact_id()\n")
                .append("                WHERE v.table_name = tbl AND v.record_id = rid) END AS change_seq\n")
                .append("        FROM (").append(flagged).append(") e\n")
                .append("       WHERE reader IS NOT NULL GROUP BY reader, tbl, rid) g\n")
                .append("     WHERE NOT kept OR change_seq IS NOT NULL ORDER BY ord, rid;\n");
        return sql.toString();
    }

    private static void lock(StringBuilder sql, List<String> keys, String function) {
        if (!keys.isEmpty()) {
            sql.append("    PERFORM ").append(function).append('(').append(LOCK_CLASS)
                    .append(", k) FROM (SELECT DISTINCT hashtext(v) & 1023 AS k FROM (")
                    .append(String.join(" UNION ", keys)).append(") s WHERE v IS NOT NULL ORDER BY 1) q;\n");
        }
    }

    private static void dropAll(Connection c) throws SQLException {
        List<String> functions = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
                     + " ON n.oid = p.pronamespace WHERE n.nspname = 'mooring' AND p.proname LIKE 'access\\_%'")) {
            while (rs.next()) {
                functions.add(rs.getString(1));
            }
        }
        for (String function : functions) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP FUNCTION " + function + " CASCADE"); // and its triggers
            }
        }
    }
}
