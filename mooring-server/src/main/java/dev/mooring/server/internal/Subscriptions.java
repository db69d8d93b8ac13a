package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node's subscription: what it asks to receive, narrower than what its user may see. Per table, for columns the
 * table declares ({@code subscribe-by}), the values wanted; a row is sent when each of its subscribed columns holds
 * one of them. A subscription is an extra condition on top of the sharing rules, so it can only narrow. It is checked
 * when a node hands it over (a name the table does not declare, or a row the user may not see, is refused naming the
 * parameter), stored with the node, and when it changes, every row it lets in or out is put in the user's shared feed
 * ({@link AccessTriggers} explains the feed), so the node's next pull brings it in whole or removes it. Static helpers.
 */
public final class Subscriptions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_VALUES = 1_000;

    /** A subscription: table → column → values. */
    public record Subscription(Map<String, Map<String, List<String>>> tables) {
        static final Subscription EVERYTHING = new Subscription(Map.of());

        Map<String, List<String>> of(String table) {
            return tables.getOrDefault(table, Map.of());
        }

        /** The condition on row {@code alias} of {@code table}: {@code true} when nothing narrows it. */
        String condition(TableCatalog.Table table, String alias, List<String[]> binds) {
            return condition(of(table.sync().name()), alias, binds);
        }

        static String condition(Map<String, List<String>> columns, String alias, List<String[]> binds) {
            if (columns.isEmpty()) {
                return "true";
            }
            List<String> terms = new ArrayList<>();
            columns.forEach((column, values) -> {
                terms.add(alias + "." + TableCatalog.quote(column) + "::text = ANY(?)");
                binds.add(values.toArray(String[]::new));
            });
            return "(" + String.join(" AND ", terms) + ")";
        }
    }

    private Subscriptions() {
    }

    /** Binds the value arrays a {@link Subscription#condition} asked for; returns the next parameter index. */
    static int bind(Connection c, PreparedStatement ps, int from, List<String[]> binds) throws SQLException {
        int i = from;
        for (String[] values : binds) {
            ps.setArray(i++, c.createArrayOf("text", values));
        }
        return i;
    }

    /** The subscription {@code nodeId} last handed over; everything when it has none. */
    public static Subscription of(Connection c, String nodeId) throws SQLException {
        if (nodeId == null) {
            return Subscription.EVERYTHING;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT subscription::text FROM mooring.nodes WHERE node_id = ?")) {
            ps.setString(1, nodeId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? parse(rs.getString(1)) : Subscription.EVERYTHING;
            }
        }
    }

    private static Subscription parse(String json) {
        if (json == null) {
            return Subscription.EVERYTHING;
        }
        try {
            return new Subscription(JSON.readValue(json, new TypeReference<TreeMap<String, Map<String, List<String>>>>() {
            }));
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "a stored subscription is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code wanted} against the tables' {@code subscribe-by} and the user's rights, stores it for the node
     * and, when it changed, puts every row it lets in or out in the user's shared feed. Runs in the caller's
     * transaction, after the node was claimed.
     *
     * @throws MooringException {@code USAGE} naming the parameter that is not allowed
     */
    public static void hand(Connection c, TableCatalog catalog, String userId, String nodeId,
                            Map<String, Map<String, List<String>>> wanted) throws SQLException {
        Subscription next = new Subscription(wanted);
        for (Map.Entry<String, Map<String, List<String>>> table : wanted.entrySet()) {
            check(c, catalog, userId, table.getKey(), table.getValue());
        }
        Subscription before = of(c, nodeId);
        if (before.tables().equals(next.tables())) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE mooring.nodes SET subscription = CAST(? AS jsonb)"
                + " WHERE node_id = ?")) {
            ps.setString(1, next.tables().isEmpty() ? null : JSON.writeValueAsString(next.tables()));
            ps.setString(2, nodeId);
            ps.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write a subscription: " + e.getMessage(), e);
        }
        Set<String> tables = new LinkedHashSet<>(before.tables().keySet());
        tables.addAll(next.tables().keySet());
        for (String name : tables) {
            if (before.of(name).equals(next.of(name))) {
                continue;
            }
            TableCatalog.Table table = catalog.table(name).orElse(null);
            if (table == null) {
                continue; // a table no longer synced: nothing of it is sent either way
            }
            List<String[]> binds = new ArrayList<>();
            String sql = "INSERT INTO mooring.shared_feed (audience, table_name, record_id) SELECT ?, ?, r.id::text FROM "
                    + table.sqlName() + " r WHERE r.deleted_at IS NULL AND (" + before.condition(table, "r", binds)
                    + ") IS DISTINCT FROM (" + next.condition(table, "r", binds) + ")";
            TableAccess access = catalog.access(name).orElse(null);
            TableAccess.Binds rule = new TableAccess.Binds();
            if (access != null) {
                sql += " AND " + access.visible("r", TableAccess.Kind.READ, userId, rule, false);
            }
            try (PreparedStatement ps = c.prepareStatement(sql + " ORDER BY r.id")) {
                ps.setString(1, userId);
                ps.setString(2, name);
                rule.bind(ps, bind(c, ps, 3, binds));
                ps.executeUpdate();
            }
        }
    }

    private static void check(Connection c, TableCatalog catalog, String userId, String name,
                              Map<String, List<String>> columns) throws SQLException {
        TableCatalog.Table table = catalog.table(name).orElseThrow(() -> refused(name, null, "table " + name
                + " is not synced"));
        List<String> declared = table.sync().sharing().subscribeBy();
        for (Map.Entry<String, List<String>> column : columns.entrySet()) {
            if (!declared.contains(column.getKey())) {
                throw refused(name, column.getKey(), "table " + name + (declared.isEmpty()
                        ? " cannot be narrowed by a subscription (it declares no subscribe-by)"
                        : " can be narrowed only by " + String.join(", ", declared)));
            }
            if (column.getValue().isEmpty() || column.getValue().size() > MAX_VALUES) {
                throw refused(name, column.getKey(), "give between 1 and " + MAX_VALUES + " values (leave the"
                        + " column out for all of them)");
            }
            String target = column.getKey().equals("id") ? name
                    : catalog.access(name).map(a -> a.references().get(column.getKey())).orElse(null);
            TableAccess access = target == null ? null : catalog.access(target).orElse(null);
            if (access != null) {
                // a subscription to rows (groups, events) is checked against the read rules: it may narrow, not widen
                TableCatalog.Table t = access.table();
                List<String> ids = column.getValue();
                TableAccess.Binds rule = new TableAccess.Binds();
                String sql = "SELECT count(DISTINCT r.id) FROM " + t.sqlName() + " r WHERE r.id::text = ANY(?) AND "
                        + access.visible("r", TableAccess.Kind.READ, userId, rule, false);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                    rule.bind(ps, 2);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) < new LinkedHashSet<>(ids).size()) {
                            throw refused(name, column.getKey(), "it names rows of " + target + " that do not exist"
                                    + " or are not shared with you; a subscription can narrow what you see, never widen it");
                        }
                    }
                }
            }
        }
    }

    private static MooringException refused(String table, String column, String why) {
        return new MooringException(ErrorCode.USAGE, "subscription " + table + (column == null ? "" : "." + column)
                + " is refused: " + why + ".");
    }
}
