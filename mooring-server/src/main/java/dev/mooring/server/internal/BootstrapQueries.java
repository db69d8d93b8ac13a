package dev.mooring.server.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The queries of a bootstrap page for a table with sharing rules ({@link ChangeFeed}): one per way a user sees the
 * table's rows. Static helpers only.
 */
final class BootstrapQueries {
    private BootstrapQueries() {
    }

    /**
     * For a bootstrap page: one query per way the user may see a row (their own rows, then each read path), each the
     * ids (never all live, never all unique across queries) of at most {@code limit} rows after {@code afterId}
     * (null: from the start), in id order. Each is ordered and limited on its own, so it reads the user's rows through
     * the index its path starts from, where one condition joining the ways by OR can only be answered by walking the
     * whole table in id order. The caller merges them, and trusts the merge only up to the last id of every query
     * that came back full.
     */
    static List<String> branches(TableAccess access, String userId, String afterId, int limit,
                                 TableAccess.Binds binds) {
        TableCatalog.Table table = access.table();
        String idType = table.columns().get("id");
        String owner = table.sync().ownerColumn();
        List<String> branches = new ArrayList<>();
        branches.add("SELECT o.id FROM " + table.sqlName() + " o WHERE o." + TableCatalog.quote(owner) + " = "
                + binds.user(table.columns().get(owner), userId) + " AND o.deleted_at IS NULL"
                + after("o.id", idType, afterId, binds) + " ORDER BY 1 LIMIT " + binds.value("integer", Integer.toString(limit)));
        for (TableAccess.Path path : access.readPaths()) {
            StringBuilder sql = new StringBuilder();
            String id;
            String outer;
            int first;
            if (path.column().equals("id") && !path.hops().isEmpty()) {
                // the row's id is the first hop's column: its candidates need not touch the table itself
                TableAccess.Hop hop = path.hops().get(0);
                id = "h1." + TableCatalog.quote(hop.rule().select());
                sql.append(" FROM ").append(hop.sqlName()).append(" h1");
                outer = "h1." + TableCatalog.quote(hop.rule().link());
                first = 1;
            } else {
                id = "o.id";
                sql.append(" FROM ").append(table.sqlName()).append(" o");
                outer = "o." + TableCatalog.quote(path.column());
                first = 0;
            }
            StringBuilder where = new StringBuilder(first == 1 ? path.hops().get(0).live("h1")
                    + path.hops().get(0).filters("h1") : "");
            for (int i = first; i < path.hops().size(); i++) {
                TableAccess.Hop hop = path.hops().get(i);
                String h = "h" + (i + 1);
                sql.append(" JOIN ").append(hop.sqlName()).append(' ').append(h).append(" ON ").append(h).append('.')
                        .append(TableCatalog.quote(hop.rule().select())).append(" = ").append(outer)
                        .append(hop.live(h)).append(hop.filters(h));
                outer = h + "." + TableCatalog.quote(hop.rule().link());
            }
            branches.add("SELECT DISTINCT " + id + " AS id" + sql + " WHERE " + outer + " = "
                    + binds.user(path.userType(), userId) + where + after(id, idType, afterId, binds)
                    + " ORDER BY 1 LIMIT " + binds.value("integer", Integer.toString(limit)));
        }
        return branches;
    }

    private static String after(String column, String idType, String afterId, TableAccess.Binds binds) {
        return afterId == null ? "" : " AND " + column + " > " + binds.value(idType, afterId);
    }

}
