package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** {@code mooring.conflicts}: every conflict for audit, manual ones waiting for a person. Stateless. */
final class Conflicts {
    private Conflicts() {
    }

    /** Records a conflict: both versions, the rule that decided, the result. */
    static void record(Connection c, TableCatalog.Table table, RowChange change, ServerRow server,
                       ConflictRules.Decision decision, ObjectMapper json) throws SQLException {
        ObjectNode client = json.createObjectNode();
        change.values().forEach(client::set);
        String owner = table.sync().ownerColumn();
        String audience = owner == null ? "*" : server.state().row().getOrDefault(owner, json.nullNode()).asText();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mooring.conflicts (table_name, record_id, audience, server_version, client_version,
                                               client_node, client_hlc, client_seq, rule, result, status)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?)
                """)) {
            ps.setString(1, table.sync().name());
            ps.setString(2, change.id());
            ps.setString(3, audience);
            ps.setString(4, server.json());
            ps.setString(5, write(json, client));
            ps.setString(6, change.nodeId());
            ps.setString(7, change.hlc().toString());
            ps.setLong(8, change.clientSeq());
            ps.setString(9, decision.rule());
            ps.setString(10, decision.conflict());
            ps.setString(11, "pending".equals(decision.conflict()) ? "pending" : "resolved");
            ps.executeUpdate();
        }
    }

    private static String write(ObjectMapper json, ObjectNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write JSON: " + e.getMessage(), e);
        }
    }
}
