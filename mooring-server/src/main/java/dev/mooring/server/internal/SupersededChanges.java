package dev.mooring.server.internal;

import dev.mooring.sync.Operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a pull from sending a value that a later write of its row replaced. The feed delivers changes in
 * transaction order; writes of one row are applied in change-log order (each waits for the row lock), and the two can
 * differ: a transaction that took its id first can write the row last, and a device is never sent its own changes,
 * so an older change that reaches it late would otherwise overwrite the newer value it wrote itself and was
 * acknowledged for, and nothing would ever correct it. A change is superseded when its row's last change in the log
 * ({@code column_versions.last_seq}) is not the change itself; those are checked against the row as it is now:
 * <ul>
 *   <li>an update keeps only the columns whose value is still the row's (the later writes of the others are sent
 *       when the feed reaches them, or the device made them);</li>
 *   <li>an insert, and the whole-row copy that goes before an edit that brought a deleted row back, carry the row as
 *       it is now, so a device that lacks the row still gets all of it;</li>
 *   <li>a delete is sent only if the row is gone, and nothing is sent for a row that is gone or is no longer the
 *       user's.</li>
 * </ul>
 * Sending a row's current value early is harmless: the change that wrote it comes later with the same value. Per
 * table of a page, one query reads the rows' {@code last_seq}, and one more, only when some change is superseded,
 * compares those with their rows in PostgreSQL: a page whose changes are their rows' last (the common case) costs
 * one index scan and no JSON work. Static helpers only.
 */
final class SupersededChanges {
    /** One change as the feed read it: the row to send, the change log entry it comes from, that entry's operation. */
    record Read(ChangeFeed.FeedRow row, long logSeq, String operation) {
    }

    /** A superseded change checked against its row: the row now (null: gone or not the user's), and for an update the
     * columns still holding its values (null: none). */
    private record Now(String row, String stillCurrent) {
    }

    private SupersededChanges() {
    }

    /** The changes to send: those not superseded as they are, the others brought up to date or left out. */
    static List<ChangeFeed.FeedRow> resolve(Connection c, TableCatalog catalog, String userId, List<Read> read)
            throws SQLException {
        return resolve(c, catalog, userId, read, false);
    }

    /**
     * The same for updates of rows shared with the user, whom the caller found may see them: no owner to compare,
     * and of the still current columns only those they may read.
     */
    static List<ChangeFeed.FeedRow> resolveShared(Connection c, TableCatalog catalog, List<Read> read)
            throws SQLException {
        return resolve(c, catalog, null, read, true);
    }

    private static List<ChangeFeed.FeedRow> resolve(Connection c, TableCatalog catalog, String userId, List<Read> read,
                                                    boolean shared) throws SQLException {
        Map<String, Map<Long, String>> byTable = new LinkedHashMap<>();
        for (Read r : read) {
            byTable.computeIfAbsent(r.row().table(), t -> new LinkedHashMap<>()).put(r.logSeq(), r.row().id());
        }
        Map<Long, Now> superseded = new HashMap<>();
        for (Map.Entry<String, Map<Long, String>> e : byTable.entrySet()) {
            check(c, catalog, catalog.table(e.getKey()).orElseThrow(), shared ? null : userId, e.getValue(),
                    superseded);
        }
        if (superseded.isEmpty()) {
            return read.stream().map(Read::row).toList();
        }
        List<ChangeFeed.FeedRow> send = new ArrayList<>(read.size());
        for (Read r : read) {
            ChangeFeed.FeedRow row = r.row();
            Now now = superseded.get(r.logSeq());
            if (now == null) {
                send.add(row);
                continue;
            }
            String values;
            if (row.op() == Operation.DELETE) {
                values = now.row() == null ? row.valuesJson() : null; // still gone: a later write re-created it and
                                                                      // deleted it again
            } else if (now.row() == null) {
                values = null;
            } else {
                values = row.seq() == 0 || r.operation().equals("insert") ? now.row() : now.stillCurrent();
            }
            if (values != null) {
                send.add(new ChangeFeed.FeedRow(row.seq(), row.table(), row.id(), row.op(), values, row.hlc(),
                        row.originNode()));
            }
        }
        return send;
    }

    /**
     * Finds which of {@code changes} (log sequence → record id, all of {@code table}) are superseded and puts what
     * their rows hold now into {@code into}. Rows of another user count as gone; {@code userId} null: a row shared with
     * the user (who is not its owner), whose columns they may read are the only ones kept.
     */
    private static void check(Connection c, TableCatalog catalog, TableCatalog.Table table, String userId,
                              Map<Long, String> changes, Map<Long, Now> into) throws SQLException {
        Map<String, Long> last = new HashMap<>();
        // one index scan for the page's rows of the table; a row without versions (gone) has no entry
        try (PreparedStatement ps = c.prepareStatement("SELECT record_id, last_seq FROM mooring.column_versions"
                + " WHERE table_name = ? AND record_id = ANY(?)")) {
            ps.setString(1, table.sync().name());
            ps.setArray(2, c.createArrayOf("text", changes.values().stream().distinct().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong(2);
                    last.put(rs.getString(1), rs.wasNull() ? null : seq);
                }
            }
        }
        List<Long> seqs = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        changes.forEach((seq, id) -> {
            if (!seq.equals(last.get(id))) {
                seqs.add(seq);
                ids.add(id);
            }
        });
        if (seqs.isEmpty()) {
            return;
        }
        String owner = userId == null ? null : table.sync().ownerColumn();
        java.util.Set<String> readable = userId != null ? java.util.Set.of()
                : catalog.access(table.sync().name()).map(TableAccess::readColumns).orElse(java.util.Set.of());
        // The row as to_jsonb writes it, the form the change log holds, so values compare equal. OFFSET 0 keeps each
        // lateral a lookup by key per change rather than a join the planner may answer by reading whole tables.
        String sql = """
                SELECT s.seq, cur.j::text,
                       CASE WHEN l.operation = 'update' THEN
                            (SELECT jsonb_object_agg(k, l.new_row -> k) FROM unnest(l.changed_columns) AS k
                              WHERE cur.j -> k = l.new_row -> k%s)::text END
                  FROM unnest(?::bigint[], ?::text[]) AS s(seq, id)
                  JOIN LATERAL (SELECT operation, new_row, changed_columns FROM mooring.change_log
                                 WHERE seq = s.seq OFFSET 0) l ON true
                  LEFT JOIN LATERAL (SELECT to_jsonb(r) AS j FROM %s r
                                      WHERE r.id = CAST(s.id AS %s)%s OFFSET 0) cur ON true
                """.formatted(readable.isEmpty() ? "" : " AND k = ANY(?::text[])", table.sqlName(), table.columns().get("id"),
                owner == null ? "" : " AND r." + TableCatalog.quote(owner) + "::text = ?");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (!readable.isEmpty()) {
                ps.setArray(i++, c.createArrayOf("text", readable.toArray()));
            }
            ps.setArray(i++, c.createArrayOf("bigint", seqs.toArray()));
            ps.setArray(i++, c.createArrayOf("text", ids.toArray()));
            if (owner != null) {
                ps.setString(i, userId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.put(rs.getLong(1), new Now(rs.getString(2), rs.getString(3)));
                }
            }
        }
    }
}
