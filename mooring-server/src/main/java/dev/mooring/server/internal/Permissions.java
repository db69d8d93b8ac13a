package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pushing user may do to rows they do not own, by the same rules that decide what they see
 * ({@link TableAccess}): read, update, delete, each decided in PostgreSQL in the push's transaction, with the rows the
 * rules pass through locked ({@code FOR SHARE}) so an unshare committing meanwhile either waits for the write or is
 * seen by the check. And whether the rows a change refers to are rows the writer may see: a reference is a write
 * too, and the reason given for one the writer may not see is the reason given for one that does not exist. Static
 * helpers only.
 */
final class Permissions {
    /** What a user may do to one row they do not own. */
    record Rights(boolean read, boolean update, boolean delete) {
        static final Rights NONE = new Rights(false, false, false);
    }

    private Permissions() {
    }

    /** The rights of {@code userId} on the existing rows {@code ids} of a table they do not own. */
    static Map<String, Rights> of(Connection c, TableAccess access, String userId, Collection<String> ids)
            throws SQLException {
        Map<String, Rights> rights = new HashMap<>();
        if (ids.isEmpty()) {
            return rights;
        }
        TableAccess.Binds binds = new TableAccess.Binds();
        String sql = "SELECT r.id::text, " + access.visible("r", TableAccess.Kind.READ, userId, binds, false) + ", "
                + access.visible("r", TableAccess.Kind.UPDATE, userId, binds, true) + ", "
                + access.visible("r", TableAccess.Kind.DELETE, userId, binds, true) + " FROM " + access.table().sqlName()
                + " r WHERE r.id = ANY(CAST(? AS " + access.table().columns().get("id") + "[]))";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = binds.bind(ps, 1);
            ps.setArray(i, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rights.put(rs.getString(1), new Rights(rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        return rights;
    }

    /**
     * For each change (by index) that refers to a row its writer may not see, the reason it is rejected. Only the
     * reference columns a change sets are checked; {@code null} references are fine.
     */
    static Map<Integer, String> references(Connection c, TableCatalog catalog, String userId,
                                           Map<Integer, RowChange> changes) throws SQLException {
        // target table → referenced id → the changes (index, column) naming it
        Map<String, Map<String, List<Map.Entry<Integer, String>>>> wanted = new LinkedHashMap<>();
        for (Map.Entry<Integer, RowChange> e : changes.entrySet()) {
            RowChange change = e.getValue();
            TableAccess access = catalog.access(change.table()).orElse(null);
            if (access == null) {
                continue;
            }
            for (Map.Entry<String, String> ref : access.references().entrySet()) {
                for (Map<String, JsonNode> values : List.of(change.values(), change.fill())) {
                    JsonNode value = values.get(ref.getKey());
                    if (value != null && !value.isNull()) {
                        wanted.computeIfAbsent(ref.getValue(), t -> new LinkedHashMap<>())
                                .computeIfAbsent(value.asText(), v -> new ArrayList<>())
                                .add(Map.entry(e.getKey(), ref.getKey()));
                    }
                }
            }
        }
        // rows the batch itself creates as the user's own, by table: an earlier change may be referred to by a later one
        Map<String, Map<String, Integer>> own = new HashMap<>();
        for (Map.Entry<Integer, RowChange> e : changes.entrySet()) {
            RowChange change = e.getValue();
            TableAccess access = catalog.access(change.table()).orElse(null);
            JsonNode owner = access == null ? null : change.values().get(access.table().sync().ownerColumn());
            if (owner != null && userId.equals(owner.asText())) {
                own.computeIfAbsent(change.table(), t -> new HashMap<>()).putIfAbsent(change.id(), e.getKey());
            }
        }
        Map<Integer, String> problems = new HashMap<>();
        for (Map.Entry<String, Map<String, List<Map.Entry<Integer, String>>>> target : wanted.entrySet()) {
            TableAccess access = catalog.access(target.getKey()).orElse(null);
            TableCatalog.Table table = catalog.table(target.getKey()).orElseThrow();
            List<String> ids = new ArrayList<>();
            for (String id : target.getValue().keySet()) {
                // a value that is not an id of the target's type names no row: left out, so it is refused as unseen
                if (!"uuid".equals(table.columns().get("id")) || isUuid(id)) {
                    ids.add(id);
                }
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            java.util.Set<String> mine = new java.util.HashSet<>();
            if (access == null) {
                seen.addAll(ids); // a public-read table: everyone sees every row
            } else if (!ids.isEmpty()) {
                TableAccess.Binds head = new TableAccess.Binds();
                TableAccess.Binds rule = new TableAccess.Binds();
                String owner = "r." + TableCatalog.quote(table.sync().ownerColumn());
                String sql = "SELECT r.id::text, " + owner + " = " + head.user(table.columns().get(
                        table.sync().ownerColumn()), userId) + " FROM " + table.sqlName() + " r WHERE r.id = ANY(CAST(? AS "
                        + table.columns().get("id") + "[])) AND " + access.visible("r", TableAccess.Kind.READ, userId,
                        rule, true);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = head.bind(ps, 1);
                    ps.setArray(i++, c.createArrayOf("text", ids.toArray()));
                    rule.bind(ps, i);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            seen.add(rs.getString(1));
                            if (rs.getBoolean(2)) {
                                mine.add(rs.getString(1));
                            }
                        }
                    }
                }
            }
            for (Map.Entry<String, List<Map.Entry<Integer, String>>> ref : target.getValue().entrySet()) {
                String canonical = isUuid(ref.getKey()) ? java.util.UUID.fromString(ref.getKey()).toString() : ref.getKey();
                Integer created = own.getOrDefault(target.getKey(), Map.of()).get(canonical);
                for (Map.Entry<Integer, String> use : ref.getValue()) {
                    if (created != null && created < use.getKey()) {
                        continue; // made by an earlier change of this batch, as the user's own row
                    }
                    TableAccess from = catalog.access(changes.get(use.getKey()).table()).orElseThrow();
                    if (from.ownedReferences().contains(use.getValue())) {
                        if (!mine.contains(canonical)) {
                            problems.putIfAbsent(use.getKey(), "column " + use.getValue() + " refers to row "
                                    + ref.getKey() + " of " + target.getKey() + ", which does not exist or is not yours;"
                                    + " it must name a row you own");
                        }
                    } else if (!seen.contains(canonical)) {
                        problems.putIfAbsent(use.getKey(), "column " + use.getValue() + " refers to row " + ref.getKey()
                                + " of " + target.getKey() + ", which does not exist or is not shared with you; a row"
                                + " may refer only to rows you can see");
                    }
                }
            }
        }
        return problems;
    }

    private static boolean isUuid(String text) {
        try {
            java.util.UUID.fromString(text);
            return text.length() == 36;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
