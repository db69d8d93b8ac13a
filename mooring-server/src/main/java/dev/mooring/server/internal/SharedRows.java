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
                                            Map<String, Map<String, Long>> entries) throws SQLException {
        List<ChangeFeed.FeedRow> rows = new ArrayList<>();
        List<TableAccess> tables = new ArrayList<>();
        entries.keySet().forEach(name -> catalog.access(name).ifPresent(tables::add));
        tables.sort(Comparator.comparingInt(a -> catalog.tables().indexOf(a.table())));
        for (TableAccess access : tables) {
            Map<String, Long> ids = entries.get(access.table().sync().name());
            Map<String, String> visible = visible(c, access, userId, ids.keySet());
            for (Map.Entry<String, Long> entry : ids.entrySet()) {
                String json = visible.get(entry.getKey());
                rows.add(json == null
                        ? new ChangeFeed.FeedRow(entry.getValue(), access.table().sync().name(), entry.getKey(),
                                Operation.REMOVE, "{}", ChangeFeed.UNSTAMPED.toString(), "server")
                        : new ChangeFeed.FeedRow(0, access.table().sync().name(), entry.getKey(), Operation.UPSERT, json,
                                ChangeFeed.UNSTAMPED.toString(), "server"));
            }
        }
        return rows;
    }

    /** Of {@code ids}, the live rows {@code userId} may see, as the JSON they receive. */
    private static Map<String, String> visible(Connection c, TableAccess access, String userId,
                                               java.util.Collection<String> ids) throws SQLException {
        TableCatalog.Table table = access.table();
        TableAccess.Binds json = new TableAccess.Binds();
        TableAccess.Binds rule = new TableAccess.Binds();
        String sql = "SELECT r.id::text, " + access.rowJson("r", userId, json) + " FROM " + table.sqlName()
                + " r WHERE r.id = ANY(CAST(? AS " + table.columns().get("id") + "[])) AND r.deleted_at IS NULL AND "
                + access.visible("r", TableAccess.Kind.READ, userId, rule, false);
        Map<String, String> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = json.bind(ps, 1);
            ps.setArray(i++, c.createArrayOf("text", ids.toArray()));
            rule.bind(ps, i);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return rows;
    }
}
