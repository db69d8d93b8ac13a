package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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
    static ServerRow read(Connection c, TableCatalog.Table table, String id, String node, Long lastPulled,
                          ObjectMapper mapper) throws SQLException {
        String rowJson = null;
        Map<String, JsonNode> row = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(r)::text FROM " + table.sqlName()
                + " r WHERE r.id = CAST(? AS " + table.columns().get("id") + ") FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    rowJson = rs.getString(1);
                    parse(mapper, rowJson).fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue()));
                }
            }
        }
        Map<String, Hlc> columnHlcs = new LinkedHashMap<>();
        Hlc rowHlc = ChangeFeed.UNSTAMPED;
        try (PreparedStatement ps = c.prepareStatement("SELECT column_hlcs::text, row_hlc FROM mooring.column_versions"
                + " WHERE table_name = ? AND record_id = ?")) {
            ps.setString(1, table.sync().name());
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    parse(mapper, rs.getString(1)).fields()
                            .forEachRemaining(e -> columnHlcs.put(e.getKey(), Hlc.parse(e.getValue().asText())));
                    rowHlc = Hlc.parse(rs.getString(2));
                }
            }
        }
        ConflictRules.Unseen unseen = null;
        if (rowJson != null) {
            try (PreparedStatement ps = c.prepareStatement("SELECT hlc, origin_node FROM mooring.change_log"
                    + " WHERE table_name = ? AND record_id = ? AND xid >= ?::xid8 AND origin_node IS DISTINCT FROM ?"
                    + " ORDER BY xid DESC, seq DESC LIMIT 1")) {
                ps.setString(1, table.sync().name());
                ps.setString(2, id);
                ps.setString(3, Long.toString(lastPulled == null ? 0 : lastPulled));
                ps.setString(4, node);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        unseen = new ConflictRules.Unseen(Hlc.parse(rs.getString(1)), rs.getString(2));
                    }
                }
            }
        }
        JsonNode deletedAt = row.get(ConflictRules.TOMBSTONE_COLUMN);
        boolean tombstoned = deletedAt != null && !deletedAt.isNull();
        return new ServerRow(new ConflictRules.RowState(rowJson != null, tombstoned, row, columnHlcs, rowHlc, unseen),
                rowJson);
    }

    private static JsonNode parse(ObjectMapper mapper, String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "PostgreSQL returned a row that is not JSON: " + e.getMessage(), e);
        }
    }
}
