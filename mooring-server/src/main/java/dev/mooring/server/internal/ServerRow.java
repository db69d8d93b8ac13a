package dev.mooring.server.internal;

import dev.mooring.sync.ConflictRules;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A synced row as a push finds it, locked until the transaction ends: its columns, the hybrid logical time of each,
 * and the newest change another node made to it that the pushing node had not pulled.
 *
 * @param state the row for {@link ConflictRules}
 * @param json  the row as jsonb text, for the conflict audit; {@code null} when it does not exist
 */
record ServerRow(ConflictRules.RowState state, String json) {
    /** Reads one row. */
    static ServerRow read(Connection c, TableCatalog.Table table, String id, String node, FeedPosition seen,
                          ObjectMapper mapper) throws SQLException {
        return readAll(c, table, Map.of(id, seen), node, mapper).get(id);
    }

    /**
     * Reads many rows of one table in three queries, whatever their number; every id gets an entry.
     *
     * @param seen for each id, the feed position the pushing node had pulled through when it made its change:
     *             changes by other nodes after it are unseen
     */
    static Map<String, ServerRow> readAll(Connection c, TableCatalog.Table table, Map<String, FeedPosition> seen,
                                          String node, ObjectMapper mapper) throws SQLException {
        Collection<String> ids = seen.keySet();
        Array idArray = c.createArrayOf("text", ids.toArray());
        Map<String, Map<String, JsonNode>> rows = new HashMap<>();
        Map<String, String> rowJson = new HashMap<>();
        // ORDER BY id: concurrent pushes lock rows in the same order, so they wait rather than deadlock
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id::text, to_jsonb(r)::text FROM " + table.sqlName()
                + " r WHERE r.id = ANY(CAST(? AS " + table.columns().get("id") + "[])) ORDER BY r.id FOR UPDATE")) {
            ps.setArray(1, idArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, JsonNode> row = new LinkedHashMap<>();
                    parse(mapper, rs.getString(2)).fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue()));
                    rows.put(rs.getString(1), row);
                    rowJson.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        Map<String, Map<String, Hlc>> columnHlcs = new HashMap<>();
        Map<String, Hlc> rowHlcs = new HashMap<>();
        Map<String, Hlc> baseHlcs = new HashMap<>();
        // a row that does not exist has no versions worth a query (the common case: new rows)
        if (!rows.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT record_id, column_hlcs::text, row_hlc, base_hlc"
                    + " FROM mooring.column_versions WHERE table_name = ? AND record_id = ANY(?)")) {
                ps.setString(1, table.sync().name());
                ps.setArray(2, idArray);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Map<String, Hlc> hlcs = new LinkedHashMap<>();
                        parse(mapper, rs.getString(2)).fields()
                                .forEachRemaining(e -> hlcs.put(e.getKey(), Hlc.parse(e.getValue().asText())));
                        columnHlcs.put(rs.getString(1), hlcs);
                        rowHlcs.put(rs.getString(1), Hlc.parse(rs.getString(3)));
                        // rows captured before base_hlc existed list every column in column_hlcs
                        String base = rs.getString(4);
                        baseHlcs.put(rs.getString(1), base == null ? ChangeFeed.UNSTAMPED : Hlc.parse(base));
                    }
                }
            }
        }
        Map<String, ConflictRules.Unseen> unseen = new HashMap<>();
        if (!rows.isEmpty()) {
            // the newest unseen change, and every column the unseen changes touched (null: all, an insert or delete)
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT cl.record_id,
                           (array_agg(cl.hlc ORDER BY cl.xid DESC, cl.seq DESC))[1],
                           (array_agg(cl.origin_node ORDER BY cl.xid DESC, cl.seq DESC))[1],
                           bool_or(cl.operation <> 'update'),
                           array_agg(DISTINCT col) FILTER (WHERE col IS NOT NULL)
                      FROM unnest(?::text[], ?::text[], ?::bigint[]) AS seen(id, xid, seq)
                      JOIN mooring.change_log cl ON cl.table_name = ? AND cl.record_id = seen.id
                                                AND cl.xid >= seen.xid::xid8
                                                AND (cl.xid, cl.seq) > (seen.xid::xid8, seen.seq)
                      LEFT JOIN LATERAL unnest(cl.changed_columns) AS col ON true
                     WHERE cl.origin_node IS DISTINCT FROM ?
                     GROUP BY cl.record_id
                    """)) {
                java.util.List<String> existing = new java.util.ArrayList<>(rows.keySet());
                ps.setArray(1, c.createArrayOf("text", existing.toArray()));
                ps.setArray(2, c.createArrayOf("text", existing.stream().map(id -> Long.toString(seen.get(id).xid()))
                        .toArray()));
                ps.setArray(3, c.createArrayOf("bigint", existing.stream().map(id -> seen.get(id).seq()).toArray()));
                ps.setString(4, table.sync().name());
                ps.setString(5, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Array touched = rs.getArray(5);
                        java.util.Set<String> columns = rs.getBoolean(4) || touched == null ? null
                                : new java.util.HashSet<>(java.util.Arrays.asList((String[]) touched.getArray()));
                        unseen.put(rs.getString(1), new ConflictRules.Unseen(Hlc.parse(rs.getString(2)), rs.getString(3),
                                columns));
                    }
                }
            }
        }
        Map<String, ServerRow> result = new HashMap<>();
        for (String id : ids) {
            Map<String, JsonNode> row = rows.getOrDefault(id, Map.of());
            JsonNode deletedAt = row.get(ConflictRules.TOMBSTONE_COLUMN);
            boolean tombstoned = deletedAt != null && !deletedAt.isNull();
            result.put(id, new ServerRow(new ConflictRules.RowState(rows.containsKey(id), tombstoned, row,
                    columnHlcs.getOrDefault(id, Map.of()), baseHlcs.getOrDefault(id, ChangeFeed.UNSTAMPED),
                    rowHlcs.getOrDefault(id, ChangeFeed.UNSTAMPED), unseen.get(id)), rowJson.get(id)));
        }
        return result;
    }

    private static JsonNode parse(ObjectMapper mapper, String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "PostgreSQL returned a row that is not JSON: " + e.getMessage(), e);
        }
    }
}
