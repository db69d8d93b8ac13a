package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.PeerRow;
import dev.mooring.sync.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this database sends a peer ({@link PeerChanges}): every change the server has not acknowledged — its own,
 * frozen first exactly as a push freezes them (numbered, values copied), so the same change carries the same
 * (node, sequence) whether this node pushes it or a peer relays it, and the changes it relays for other nodes — and
 * the rows it has from the server and has not changed since (those synced after {@code since}). Stateless.
 */
public final class PeerExport {
    private PeerExport() {
    }

    /** This database as a peer sees it: node, user (once known), client schema version, capabilities, tables. */
    public static PeerInfo info(Connection c, String nodeId, String schemaVersion, Map<String, LocalTable> tables)
            throws SQLException {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        tables.forEach((name, table) -> columns.put(name, table.columns()));
        return new PeerInfo(nodeId, ClientState.userId(c), schemaVersion,
                Set.of(PeerInfo.RELAYS, PeerInfo.ROWS, PeerInfo.KEEPS_UNKNOWN), columns);
    }

    /**
     * Freezes this node's pending edits and reads what to send, in one transaction.
     *
     * @param batchRows rows per frozen batch, as a push would freeze them
     */
    public static PeerChanges run(Connection c, Map<String, LocalTable> tables, PeerInfo from, Hlc since,
                                  int batchRows) throws SQLException {
        return Transactions.immediate(c, () -> {
            while (Outbox.prepare(c, batchRows, tables) > 0) {
                // every pending edit frozen, one batch at a time
            }
            List<RowChange> changes = Outbox.frozen(c, from.nodeId());
            List<PeerRow> rows = new ArrayList<>();
            for (LocalTable table : tables.values()) {
                syncedRows(c, table, since, rows);
            }
            return new PeerChanges(from, ClientState.cursor(c), since, changes, rows);
        });
    }

    /** The table's rows that are as the server sent them: synced, and with no change of any node waiting. */
    private static void syncedRows(Connection c, LocalTable table, Hlc since, List<PeerRow> into) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + CaptureTriggers.jsonOf(table) + ", "
                + LocalSchema.LAST_MODIFIED + " FROM " + Sql.quote(table.name()) + " WHERE " + LocalSchema.STATUS
                + " = 'synced' AND " + LocalSchema.LAST_MODIFIED + " > ? AND CAST(id AS TEXT) NOT IN"
                + " (SELECT record_id FROM sync_queue WHERE table_name = ?) ORDER BY id")) {
            ps.setString(1, since == null ? "" : since.toString());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, JsonNode> values = Values.object(rs.getString(2));
                    values.remove("id");
                    into.add(new PeerRow(table.name(), rs.getString(1), values, Hlc.parse(rs.getString(3))));
                }
            }
        }
    }
}
