package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a user may see of the change log, page by page: a bootstrap of current rows for a fresh client, then
 * the captured changes in (transaction id, sequence) order, only from transactions older than the reader's snapshot
 * xmin (see {@link FeedPosition}). Thread-safe: holds only the catalog.
 */
public final class ChangeFeed {
    /** The hybrid logical time of a row nothing has stamped yet (it predates sync): older than any real change. */
    static final Hlc UNSTAMPED = new Hlc(0, 0, "server");

    /** One page: the changes, where to continue, whether more is waiting, whether these are bootstrap rows. */
    public record Page(List<PulledChange> changes, FeedPosition next, boolean hasMore, boolean bootstrap) {
    }

    // The outer ORDER BY names c.xid: an unqualified xid would be the output column xid::text, and text order puts
    // transaction 1000 before 999.
    private static final String FEED_SQL = """
            SELECT seq, xid::text, table_name, record_id, operation, new_row::text, changed_columns, hlc, origin_node
              FROM ((SELECT * FROM mooring.change_log
                      WHERE audience = ? AND (xid, seq) > (?::xid8, ?) AND xid < ?::xid8
                      ORDER BY xid, seq LIMIT ?)
                    UNION ALL
                    (SELECT * FROM mooring.change_log
                      WHERE audience = '*' AND (xid, seq) > (?::xid8, ?) AND xid < ?::xid8
                      ORDER BY xid, seq LIMIT ?)) c
             ORDER BY c.xid, c.seq
             LIMIT ?
            """;

    private final TableCatalog catalog;
    private final ObjectMapper json = new ObjectMapper();

    public ChangeFeed(TableCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * The next page for {@code userId} after {@code from} ({@code null}: a fresh client, which gets a bootstrap).
     * Changes {@code nodeId} itself made are passed over (it has them) but the position still moves past them.
     *
     * @throws MooringException {@code CURSOR_EXPIRED} when {@code from} is older than the retained change log
     */
    public Page read(Connection c, String userId, String nodeId, FeedPosition from, int limit) throws SQLException {
        long xmin = snapshotXmin(c);
        if (from == null) {
            return bootstrap(c, userId, FeedPosition.bootstrapping(xmin, 0, null), limit);
        }
        if (from.bootstrap()) {
            return bootstrap(c, userId, from, limit);
        }
        long prunedBelow = prunedBelow(c);
        if (from.xid() < prunedBelow) {
            throw new MooringException(ErrorCode.CURSOR_EXPIRED, "this cursor is older than the change history the"
                    + " server keeps (changes are kept for the tombstone retention period); start over without a cursor"
                    + " to bootstrap the current rows.");
        }
        return changes(c, userId, nodeId, from, xmin, limit);
    }

    private Page changes(Connection c, String userId, String nodeId, FeedPosition from, long xmin, int limit)
            throws SQLException {
        List<PulledChange> changes = new ArrayList<>();
        FeedPosition next = from;
        int scanned = 0;
        try (PreparedStatement ps = c.prepareStatement(FEED_SQL)) {
            int i = 1;
            for (String audience : new String[]{userId, null}) {
                if (audience != null) {
                    ps.setString(i++, audience);
                }
                ps.setString(i++, Long.toString(from.xid()));
                ps.setLong(i++, from.seq());
                ps.setString(i++, Long.toString(xmin));
                ps.setInt(i++, limit + 1);
            }
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (++scanned > limit) {
                        break;
                    }
                    next = FeedPosition.at(Long.parseLong(rs.getString(2)), rs.getLong(1));
                    String table = rs.getString(3);
                    String origin = rs.getString(9);
                    if (catalog.table(table).isEmpty() || (nodeId != null && nodeId.equals(origin))) {
                        continue;
                    }
                    changes.add(change(rs, table, origin));
                }
            }
        }
        return new Page(changes, next, scanned > limit, false);
    }

    private PulledChange change(ResultSet rs, String table, String origin) throws SQLException {
        String operation = rs.getString(5);
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (!operation.equals("delete")) {
            JsonNode row = parse(rs.getString(6));
            Set<String> changed = operation.equals("update") ? columns(rs.getArray(7)) : null;
            for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (changed == null || changed.contains(e.getKey())) {
                    values.put(e.getKey(), e.getValue());
                }
            }
        }
        return new PulledChange(rs.getLong(1), table, rs.getString(4),
                operation.equals("delete") ? Operation.DELETE : Operation.UPSERT, values, Hlc.parse(rs.getString(8)),
                origin);
    }

    private Page bootstrap(Connection c, String userId, FeedPosition from, int limit) throws SQLException {
        List<TableCatalog.Table> tables = catalog.tables();
        List<PulledChange> rows = new ArrayList<>();
        int table = from.table();
        String lastId = from.lastId();
        while (table < tables.size()) {
            if (rows.size() == limit) {
                return new Page(rows, FeedPosition.bootstrapping(from.xid(), table, lastId), true, true);
            }
            TableCatalog.Table t = tables.get(table);
            int wanted = limit - rows.size();
            List<PulledChange> page = rows(c, t, userId, lastId, wanted + 1);
            if (page.size() > wanted) {
                rows.addAll(page.subList(0, wanted));
                return new Page(rows, FeedPosition.bootstrapping(from.xid(), table, rows.get(rows.size() - 1).id()),
                        true, true);
            }
            rows.addAll(page);
            table++;
            lastId = null;
        }
        // Every row is in; the feed follows from the bootstrap's xmin, so changes racing the bootstrap come again.
        return new Page(rows, FeedPosition.after(from.xid()), true, true);
    }

    private List<PulledChange> rows(Connection c, TableCatalog.Table t, String userId, String afterId, int limit)
            throws SQLException {
        String idType = t.columns().get("id");
        StringBuilder sql = new StringBuilder("SELECT to_jsonb(r)::text, v.row_hlc FROM " + t.sqlName() + " r"
                + " LEFT JOIN mooring.column_versions v ON v.table_name = ? AND v.record_id = r.id::text"
                + " WHERE r.deleted_at IS NULL");
        String owner = t.sync().ownerColumn();
        if (owner != null) {
            sql.append(" AND r.").append(TableCatalog.quote(owner)).append("::text = ?");
        }
        if (afterId != null) {
            sql.append(" AND r.id > CAST(? AS ").append(idType).append(")");
        }
        sql.append(" ORDER BY r.id LIMIT ?");
        List<PulledChange> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setString(i++, t.sync().name());
            if (owner != null) {
                ps.setString(i++, userId);
            }
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode row = parse(rs.getString(1));
                    Map<String, JsonNode> values = new LinkedHashMap<>();
                    row.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
                    String hlc = rs.getString(2);
                    rows.add(new PulledChange(0, t.sync().name(), row.path("id").asText(), Operation.UPSERT, values,
                            hlc == null ? UNSTAMPED : Hlc.parse(hlc), "server"));
                }
            }
        }
        return rows;
    }

    /** The oldest transaction still running: every transaction before it has committed or aborted. */
    static long snapshotXmin(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             // The feed's queries are built to walk an index in its order and stop at the page size. Without
             // statistics (a change log that grew since the last ANALYZE) the planner may instead collect every
             // remaining change and sort it, which made each page cost as much as the whole backlog; and a plan
             // cached while the log was small would stay. So: custom plans, no bitmap scans, no sorts.
             ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text,"
                     + " set_config('plan_cache_mode', 'force_custom_plan', true),"
                     + " set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    private static long prunedBelow(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pruned_below::text FROM mooring.retention")) {
            return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
        }
    }

    private static Set<String> columns(Array array) throws SQLException {
        return array == null ? Collections.emptySet() : new HashSet<>(Arrays.asList((String[]) array.getArray()));
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "the change log holds a row that is not JSON: " + e.getMessage(), e);
        }
    }
}
