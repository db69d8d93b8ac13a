package dev.mooring.server.internal;

import dev.mooring.sync.Operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a page's shared-feed entries (rows whose visibility to the user may have changed, see {@link AccessTriggers})
 * into what the device gets: the row whole, as the user may see it now (their declared columns when they are not its
 * owner), or a {@link Operation#REMOVE} when they may not see it now, or it is gone or deleted. Whole rows go with
 * the oldest time there is, as bootstrap rows do: they settle no local edit (the client keeps those for the server to
 * judge) and win against none. Deciding at pull time, in the pull's snapshot, is what makes the order in which the
 * writes behind the entries committed not matter: the last entry delivered for a row is judged after every one of
 * them. Rows come first in a page, parents before children (configuration order), so a device's own rows that refer
 * to them find them. Static helpers only.
 */
final class SharedRows {
    private SharedRows() {
    }

    /** The rows to send for {@code entries}: table → record id → the entry's position in the feed. */
    static List<ChangeFeed.FeedRow> resolve(Connection c, TableCatalog catalog, String userId,
                                            Subscriptions.Subscription subscription,
                                            Map<String, Map<String, Long>> entries) throws SQLException {
        List<ChangeFeed.FeedRow> rows = new ArrayList<>();
        List<TableCatalog.Table> tables = new ArrayList<>();
        entries.keySet().forEach(name -> catalog.table(name).ifPresent(tables::add));
        tables.sort(Comparator.comparingInt(t -> catalog.tables().indexOf(t)));
        for (TableCatalog.Table table : tables) {
            Map<String, Long> ids = entries.get(table.sync().name());
            Map<String, String> visible = visible(c, catalog, table, userId, subscription, ids.keySet());
            for (Map.Entry<String, Long> entry : ids.entrySet()) {
                String json = visible.get(entry.getKey());
                rows.add(json == null ? removal(table, entry.getKey(), entry.getValue())
                        : new ChangeFeed.FeedRow(0, table.sync().name(), entry.getKey(), Operation.UPSERT, json,
                                ChangeFeed.UNSTAMPED.toString(), "server"));
            }
        }
        return rows;
    }

    /**
     * The changes of rows shared with the user that their devices hold already (they saw the row before and after
     * the change, and nothing may have moved it for them since: {@link ChangeFeed}): sent as changes, brought up to
     * date where later writes superseded them ({@link SupersededChanges}; {@code current}: the log entries the feed
     * found are their rows' last), narrowed to the node's subscription.
     */
    static List<ChangeFeed.FeedRow> changes(Connection c, TableCatalog catalog,
                                            Subscriptions.Subscription subscription,
                                            List<SupersededChanges.Read> changes, java.util.Set<Long> current)
            throws SQLException {
        if (changes.isEmpty()) {
            return List.of();
        }
        List<ChangeFeed.FeedRow> send = new ArrayList<>(changes.size());
        List<SupersededChanges.Read> superseded = new ArrayList<>();
        for (SupersededChanges.Read r : changes) {
            if (current.contains(r.logSeq())) {
                send.add(r.row());
            } else {
                superseded.add(r);
            }
        }
        if (!superseded.isEmpty()) {
            send.addAll(SupersededChanges.resolveShared(c, catalog, superseded));
        }
        return narrow(c, catalog, subscription, send);
    }

    private static ChangeFeed.FeedRow removal(TableCatalog.Table table, String id, long seq) {
        return new ChangeFeed.FeedRow(seq, table.sync().name(), id, Operation.REMOVE, "{}",
                ChangeFeed.UNSTAMPED.toString(), "server");
    }

    /**
     * The changes of a page as a node with {@code subscription} gets them: a change whose row is outside what the node
     * asked for becomes a removal (the row may have left it by this very change); deletes go as they are.
     */
    static List<ChangeFeed.FeedRow> narrow(Connection c, TableCatalog catalog, Subscriptions.Subscription subscription,
                                           List<ChangeFeed.FeedRow> changes) throws SQLException {
        if (subscription.tables().isEmpty()) {
            return changes;
        }
        Map<String, java.util.Set<String>> wanted = new HashMap<>();
        for (ChangeFeed.FeedRow row : changes) {
            if (row.op() == Operation.UPSERT && !subscription.of(row.table()).isEmpty()) {
                wanted.computeIfAbsent(row.table(), t -> new java.util.HashSet<>()).add(row.id());
            }
        }
        Map<String, java.util.Set<String>> inside = new HashMap<>();
        for (Map.Entry<String, java.util.Set<String>> e : wanted.entrySet()) {
            TableCatalog.Table table = catalog.table(e.getKey()).orElseThrow();
            List<String[]> binds = new ArrayList<>();
            String sql = "SELECT r.id::text FROM " + table.sqlName() + " r WHERE r.id = ANY(CAST(? AS "
                    + table.columns().get("id") + "[])) AND " + subscription.condition(table, "r", binds);
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("text", e.getValue().toArray()));
                Subscriptions.bind(c, ps, 2, binds);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            inside.put(e.getKey(), ids);
        }
        List<ChangeFeed.FeedRow> narrowed = new ArrayList<>(changes.size());
        for (ChangeFeed.FeedRow row : changes) {
            java.util.Set<String> in = inside.get(row.table());
            narrowed.add(in == null || row.op() != Operation.UPSERT || in.contains(row.id()) ? row
                    : removal(catalog.table(row.table()).orElseThrow(), row.id(), row.seq()));
        }
        return narrowed;
    }

    /** Of {@code ids}, the live rows {@code userId} may see and the node asked for, as the JSON they receive. */
    private static Map<String, String> visible(Connection c, TableCatalog catalog, TableCatalog.Table table,
                                               String userId, Subscriptions.Subscription subscription,
                                               java.util.Collection<String> ids) throws SQLException {
        TableAccess access = catalog.access(table.sync().name()).orElse(null);
        TableAccess.Binds json = new TableAccess.Binds();
        TableAccess.Binds rule = new TableAccess.Binds();
        List<String[]> narrowed = new ArrayList<>();
        String sql = "SELECT r.id::text, " + (access == null ? "row_to_json(r)::text" : access.rowJson("r", userId, json))
                + " FROM " + table.sqlName() + " r WHERE r.id = ANY(CAST(? AS " + table.columns().get("id")
                + "[])) AND r.deleted_at IS NULL AND " + subscription.condition(table, "r", narrowed)
                + (access == null ? "" : " AND " + access.visibleRows("r", userId, rule));
        Map<String, String> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = json.bind(ps, 1);
            ps.setArray(i++, c.createArrayOf("text", ids.toArray()));
            i = Subscriptions.bind(c, ps, i, narrowed);
            rule.bind(ps, i);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }
}
