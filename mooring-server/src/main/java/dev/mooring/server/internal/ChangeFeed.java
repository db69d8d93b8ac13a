package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what a user may see of the change log, page by page: a bootstrap of current rows for a fresh client, then
 * the captured changes in (transaction id, sequence) order, only from transactions older than the reader's snapshot
 * xmin (see {@link FeedPosition}); a change that later writes of its row superseded is first brought up to date
 * ({@link SupersededChanges}). Thread-safe: holds only the catalog.
 */
public final class ChangeFeed {
    /** The hybrid logical time of a row nothing has stamped yet (it predates sync): older than any real change. */
    static final Hlc UNSTAMPED = new Hlc(0, 0, "server");

    /**
     * One change as the feed read it, its values still the JSON text PostgreSQL produced: the HTTP layer writes that
     * text into the response as it is, and only the Java API parses it ({@link #toPulledChange}).
     */
    public record FeedRow(long seq, String table, String id, Operation op, String valuesJson, String hlc,
                          String originNode) {
        public PulledChange toPulledChange(ObjectMapper json) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            try {
                json.readTree(valuesJson).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
            } catch (JsonProcessingException e) {
                throw new MooringException(ErrorCode.INTERNAL, "the change log holds a row that is not JSON: "
                        + e.getMessage(), e);
            }
            return new PulledChange(seq, table, id, op, values, Hlc.parse(hlc), originNode);
        }
    }

    /** One page: the changes, where to continue, whether more is waiting, whether these are bootstrap rows. */
    public record Page(List<FeedRow> changes, FeedPosition next, boolean hasMore, boolean bootstrap) {
    }

    // The outer ORDER BY names c.xid: an unqualified xid would be the output column xid::text, and text order puts
    // transaction 1000 before 999.
    private static final String COLUMNS = "seq, xid, table_name, record_id, operation, new_row, changed_columns, hlc,"
            + " origin_node, relayed_by, seq AS log_seq, NULL::bigint AS last_seq";
    private static final String BRANCH = "(SELECT %s FROM %s WHERE audience = %s AND (xid, seq) > (?::xid8, ?)"
            + " AND xid < ?::xid8 ORDER BY xid, seq LIMIT ?)";
    private static final String FEED_SQL = """
            SELECT seq, xid::text, table_name, record_id, operation,
                   CASE operation WHEN 'delete' THEN '{}'
                                  WHEN 'update' THEN (SELECT jsonb_object_agg(k, new_row -> k) FROM unnest(changed_columns) AS k)::text
                                  ELSE new_row::text END,
                   hlc, origin_node,
                   CASE WHEN operation = 'update' AND 'deleted_at' = ANY(changed_columns)
                             AND new_row -> 'deleted_at' = 'null'::jsonb THEN new_row::text END,
                   relayed_by, log_seq, last_seq
              FROM (%s) c
             ORDER BY c.xid, c.seq
             LIMIT ?
            """;
    /**
     * The entries of the shared feed (rows of other users), shaped as change log rows: an entry that names a change
     * (the user saw the row before and after it) as that change, its columns narrowed to those the user may read, and
     * with its position in the shared feed; any other as operation 'access' (the row whole or a removal, decided at
     * pull time). So does a change after which the row may have moved for the user (a later entry without a change:
     * see the shared_feed_moves index), and a change the log no longer holds: the whole row is never wrong. (Such an
     * entry keeps the change's origin, so the node that made the change passes over it like its change: the entry
     * that moved the row reaches it on its own.) With a change comes its row's last change
     * ({@link SupersededChanges}), read here in the same index lookups.
     */
    private static final String SHARED_BRANCH = "(SELECT f.seq, f.xid, f.table_name, f.record_id,"
            + " CASE WHEN l.seq IS NULL OR EXISTS (SELECT 1 FROM mooring.shared_feed m WHERE m.audience = f.audience"
            + " AND m.table_name = f.table_name AND m.record_id = f.record_id AND m.change_seq IS NULL"
            + " AND m.seq > f.seq) THEN 'access' ELSE l.operation END, l.new_row, %s, coalesce(l.hlc, ''),"
            + " l.origin_node, l.relayed_by,"
            + " l.seq AS log_seq, v.last_seq FROM mooring.shared_feed f LEFT JOIN mooring.change_log l ON l.seq = f.change_seq"
            + " LEFT JOIN mooring.column_versions v ON f.change_seq IS NOT NULL AND v.table_name = f.table_name"
            + " AND v.record_id = f.record_id WHERE f.audience = ? AND (f.xid, f.seq) > (?::xid8, ?) AND f.xid < ?::xid8 ORDER BY f.xid, f.seq LIMIT ?)";

    private final TableCatalog catalog;
    private final String feedSql;
    private final int branches;

    public ChangeFeed(TableCatalog catalog) {
        this.catalog = catalog;
        List<String> parts = new ArrayList<>(List.of(String.format(BRANCH, COLUMNS, "mooring.change_log", "?"),
                String.format(BRANCH, COLUMNS, "mooring.change_log", "'*'")));
        if (catalog.sharing() || catalog.tables().stream().anyMatch(t -> !t.sync().sharing().subscribeBy().isEmpty())) {
            parts.add(String.format(SHARED_BRANCH, readableColumns(catalog)));
        }
        this.branches = parts.size();
        this.feedSql = String.format(FEED_SQL, String.join(" UNION ALL ", parts));
    }

    /**
     * The changed columns of a shared-feed change that its audience (never the row's owner) may read: all, or for a
     * table whose rule declares read columns, those.
     */
    private static String readableColumns(TableCatalog catalog) {
        StringBuilder sql = new StringBuilder("CASE f.table_name");
        boolean any = false;
        for (TableAccess access : catalog.accessRules()) {
            if (!access.readColumns().isEmpty()) {
                any = true;
                sql.append(" WHEN ").append(TableAccess.literal(access.table().sync().name()))
                        .append(" THEN ARRAY(SELECT k FROM unnest(l.changed_columns) AS k WHERE k IN (")
                        .append(access.readColumns().stream().map(TableAccess::literal)
                                .collect(java.util.stream.Collectors.joining(", ")))
                        .append("))");
            }
        }
        return any ? sql.append(" ELSE l.changed_columns END").toString() : "l.changed_columns";
    }

    /**
     * The next page for {@code userId} after {@code from} ({@code null}: a fresh client, which gets a bootstrap).
     * Changes {@code nodeId} itself made or relayed for another node are passed over (it has them) but the position
     * still moves past them.
     *
     * @throws MooringException {@code CURSOR_EXPIRED} when {@code from} is older than the retained change log
     */
    public Page read(Connection c, String userId, String nodeId, FeedPosition from, int limit) throws SQLException {
        Horizon horizon = horizon(c);
        long xmin = horizon.xmin();
        Subscriptions.Subscription subscription = Subscriptions.of(c, nodeId);
        if (from == null) {
            return bootstrap(c, userId, subscription, FeedPosition.bootstrapping(xmin, 0, null), limit);
        }
        if (from.bootstrap()) {
            return bootstrap(c, userId, subscription, from, limit);
        }
        if (from.xid() < horizon.prunedBelow()) {
            throw new MooringException(ErrorCode.CURSOR_EXPIRED, "this cursor is older than the change history the"
                    + " server keeps (changes are kept for the tombstone retention period); start over without a cursor"
                    + " to bootstrap the current rows.");
        }
        return changes(c, userId, nodeId, subscription, from, xmin, limit);
    }

    private Page changes(Connection c, String userId, String nodeId, Subscriptions.Subscription subscription,
                         FeedPosition from, long xmin, int limit) throws SQLException {
        List<SupersededChanges.Read> changes = new ArrayList<>();
        List<SupersededChanges.Read> shared = new ArrayList<>();
        java.util.Set<Long> current = new java.util.HashSet<>();
        Map<String, Map<String, Long>> access = new LinkedHashMap<>();
        FeedPosition next = from;
        int scanned = 0;
        try (PreparedStatement ps = c.prepareStatement(feedSql)) {
            int i = 1;
            for (int branch = 0; branch < branches; branch++) {
                if (branch != 1) {
                    ps.setString(i++, userId);
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
                    String origin = rs.getString(8);
                    if (catalog.table(table).isEmpty()
                            || (nodeId != null && (nodeId.equals(origin) || nodeId.equals(rs.getString(10))))) {
                        continue;
                    }
                    String revived = rs.getString(9);
                    String operation = rs.getString(5);
                    long seq = rs.getLong(1);
                    if (operation.equals("access")) {
                        access.computeIfAbsent(table, t -> new LinkedHashMap<>()).put(rs.getString(4), seq);
                        continue;
                    }
                    long logSeq = rs.getLong(11);
                    if (logSeq != seq) {
                        // a change of a row shared with the user, who saw it before and after; null: it changed
                        // no column they may read
                        if (rs.getString(6) != null) {
                            long last = rs.getLong(12);
                            if (!rs.wasNull() && last == logSeq) {
                                current.add(logSeq);
                            }
                            shared.add(new SupersededChanges.Read(new FeedRow(seq, table, rs.getString(4),
                                    Operation.UPSERT, rs.getString(6), rs.getString(7), origin), logSeq, operation));
                        }
                        continue;
                    }
                    if (revived != null) {
                        // An edit brought a deleted row back, and its change carries only the columns it set. A device
                        // may not hold the row (its bootstrap passed over the tombstone), or hold it with values of its
                        // own that never went out (an edit merged into its delete): the whole row comes first, as a
                        // bootstrap row does (seq 0), so it is created where missing and every column is the
                        // server's. A copy settles no unpushed local edit (the client keeps those for the server to
                        // judge), and its time is the oldest there is, so it wins against none either way.
                        changes.add(new SupersededChanges.Read(new FeedRow(0, table, rs.getString(4),
                                Operation.UPSERT, revived, UNSTAMPED.toString(), origin), seq, operation));
                    }
                    changes.add(new SupersededChanges.Read(new FeedRow(seq, table, rs.getString(4),
                            "delete".equals(operation) ? Operation.DELETE : Operation.UPSERT, rs.getString(6),
                            rs.getString(7), origin), seq, operation));
                }
            }
        }
        List<FeedRow> rows = SharedRows.resolve(c, catalog, userId, subscription, access);
        rows.addAll(SharedRows.changes(c, catalog, subscription, shared, current));
        rows.addAll(SharedRows.narrow(c, catalog, subscription, SupersededChanges.resolve(c, catalog, userId, changes)));
        return new Page(rows, next, scanned > limit, false);
    }

    private Page bootstrap(Connection c, String userId, Subscriptions.Subscription subscription, FeedPosition from,
                           int limit) throws SQLException {
        try (Statement s = c.createStatement()) {
            // bootstrap pages merge the ways a user sees rows, each read in its own index order; they need sorts
            s.execute("SELECT set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true)");
        }
        List<TableCatalog.Table> tables = catalog.tables();
        List<FeedRow> rows = new ArrayList<>();
        int table = from.table();
        String lastId = from.lastId();
        while (table < tables.size()) {
            if (rows.size() == limit) {
                return new Page(rows, FeedPosition.bootstrapping(from.xid(), table, lastId), true, true);
            }
            TableCatalog.Table t = tables.get(table);
            int wanted = limit - rows.size();
            Rows page = rows(c, t, userId, subscription, lastId, wanted + 1);
            if (page.rows().size() > wanted) {
                rows.addAll(page.rows().subList(0, wanted));
                return new Page(rows, FeedPosition.bootstrapping(from.xid(), table, rows.get(rows.size() - 1).id()),
                        true, true);
            }
            rows.addAll(page.rows());
            if (page.complete() == null) {
                table++;
                lastId = null;
            } else {
                lastId = page.complete();
            }
        }
        // Every row is in; the feed follows from the bootstrap's xmin, so changes racing the bootstrap come again.
        return new Page(rows, FeedPosition.after(from.xid()), true, true);
    }

    /** Rows of a bootstrap page, and the id through which they are complete when the table has more (else null). */
    private record Rows(List<FeedRow> rows, String complete) {
    }

    private Rows rows(Connection c, TableCatalog.Table t, String userId, Subscriptions.Subscription subscription,
                      String afterId, int limit) throws SQLException {
        String idType = t.columns().get("id");
        // row_to_json, not to_jsonb as the change log: the same values (clients read both into the same maps), but
        // written straight to text rather than built as jsonb and printed, which made a 10,000-row bootstrap page's
        // query cost about half again as much (ClientSyncBench)
        TableAccess access = catalog.access(t.sync().name()).orElse(null);
        TableAccess.Binds binds = new TableAccess.Binds();
        List<String> branches = access == null ? List.of() : BootstrapQueries.branches(access, userId, afterId, limit, binds);
        StringBuilder sql = new StringBuilder();
        if (!branches.isEmpty()) {
            // the rows of the user's ways of seeing them, each way read in id order up to the page size; where a way
            // came back full, only ids up to its last are known to be complete (see BootstrapQueries)
            sql.append("WITH ");
            List<String> bounds = new ArrayList<>();
            for (int b = 0; b < branches.size(); b++) {
                sql.append("b").append(b).append(" AS MATERIALIZED (").append(branches.get(b)).append("), ");
                bounds.add("(SELECT id FROM b" + b + " ORDER BY id OFFSET " + (limit - 1) + " LIMIT 1)");
            }
            sql.append("bound AS MATERIALIZED (SELECT least(").append(String.join(", ", bounds)).append(") AS id), ")
                    .append("page AS MATERIALIZED (");
        }
        sql.append("SELECT ").append(access == null ? "row_to_json(r)::text" : access.rowJson("r", userId, binds))
                .append(" AS j, v.row_hlc, r.id::text AS tid, r.id AS rid FROM ").append(t.sqlName()).append(" r")
                .append(" LEFT JOIN mooring.column_versions v ON v.table_name = ")
                .append(binds.value("text", t.sync().name())).append(" AND v.record_id = r.id::text")
                .append(" WHERE r.deleted_at IS NULL");
        if (!branches.isEmpty()) {
            sql.append(" AND r.id IN (");
            for (int b = 0; b < branches.size(); b++) {
                sql.append(b == 0 ? "" : " UNION ALL ").append("SELECT id FROM b").append(b);
            }
            sql.append(") AND (r.id <= (SELECT id FROM bound) OR (SELECT id FROM bound) IS NULL)");
        }
        List<String[]> narrowed = new ArrayList<>();
        sql.append(" AND ").append(subscription.condition(t, "r", narrowed));
        if (afterId != null) {
            sql.append(" AND r.id > CAST(? AS ").append(idType).append(")");
        }
        sql.append(" ORDER BY r.id LIMIT ?");
        if (!branches.isEmpty()) {
            // one row even when the page is empty: the bound says where to go on
            sql.append(") SELECT p.j, p.row_hlc, p.tid, b.id::text FROM bound b LEFT JOIN page p ON true ORDER BY p.rid");
        } else {
            sql.insert(0, "SELECT j, row_hlc, tid, NULL FROM (").append(") p");
        }
        List<FeedRow> rows = new ArrayList<>();
        String complete = null;
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = binds.bind(ps, 1);
            i = Subscriptions.bind(c, ps, i, narrowed);
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    complete = rs.getString(4);
                    if (rs.getString(3) == null) {
                        continue; // no row up to the bound
                    }
                    String hlc = rs.getString(2);
                    rows.add(new FeedRow(0, t.sync().name(), rs.getString(3), Operation.UPSERT, rs.getString(1),
                            hlc == null ? UNSTAMPED.toString() : hlc, "server"));
                }
            }
        }
        return new Rows(rows, complete);
    }

    /**
     * In one round trip: the oldest transaction still running (every transaction before it has committed or
     * aborted), and the position below which the change log was pruned; and the planner settings the feed needs.
     */
    private record Horizon(long xmin, long prunedBelow) {
    }

    private static Horizon horizon(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             // The feed's queries are built to walk an index in its order and stop at the page size. Without
             // statistics (a change log that grew since the last ANALYZE) the planner may instead collect every
             // remaining change and sort it, which made each page cost as much as the whole backlog; and a plan
             // cached while the log was small would stay. So: custom plans, no bitmap scans, no sorts.
             ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text,"
                     + " (SELECT pruned_below::text FROM mooring.retention),"
                     + " set_config('plan_cache_mode', 'force_custom_plan', true),"
                     + " set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)")) {
            rs.next();
            String pruned = rs.getString(2);
            return new Horizon(Long.parseLong(rs.getString(1)), pruned == null ? 0 : Long.parseLong(pruned));
        }
    }
}
