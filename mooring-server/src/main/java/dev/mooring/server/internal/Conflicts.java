package dev.mooring.server.internal;

import dev.mooring.sync.ConflictRules;
import com.fasterxml.jackson.databind.ObjectMapper;
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
            ps.setString(5, RowWriter.document(change.values()));
            ps.setString(6, change.nodeId());
            ps.setString(7, change.hlc().toString());
            ps.setLong(8, change.clientSeq());
            ps.setString(9, decision.rule());
            ps.setString(10, decision.conflict());
            ps.setString(11, "pending".equals(decision.conflict()) ? "pending" : "resolved");
            ps.executeUpdate();
        }
    }
}
