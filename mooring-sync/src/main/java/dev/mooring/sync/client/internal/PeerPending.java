package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code peer_pending}: what a peer sent for tables and columns this database does not have yet (the peer runs a
 * newer schema), kept rather than dropped, and applied by {@link #applyReady} once a client migration has added them.
 * A relayed change is kept in the outbox whole in any case, for the server; here only its values are kept, for this
 * database. Stateless; every method works inside the caller's transaction.
 */
public final class PeerPending {
    static final String DDL = """
            CREATE TABLE IF NOT EXISTS peer_pending (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                table_name  TEXT    NOT NULL,
                record_id   TEXT    NOT NULL,
                kind        TEXT    NOT NULL CHECK (kind IN ('change', 'delete', 'row')),
                payload     TEXT,
                hlc         TEXT    NOT NULL,
                origin_node TEXT    NOT NULL,
                received_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
            )""";

    /** What may be kept: a relayed change (its values, or a delete) or a synced row of the peer. */
    enum Kind {
        CHANGE, DELETE, ROW;

        String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private PeerPending() {
    }

    /** Keeps {@code values} (empty for a delete) of a row for later. */
    static void keep(Connection c, Kind kind, String table, String id, Map<String, JsonNode> values, Hlc hlc,
                     String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO peer_pending (table_name, record_id, kind, payload,"
                + " hlc, origin_node) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, table);
            ps.setString(2, id);
            ps.setString(3, kind.text());
            ps.setString(4, kind == Kind.DELETE ? null : Values.text(values));
            ps.setString(5, hlc.toString());
            ps.setString(6, origin);
            ps.executeUpdate();
        }
    }

    /** How many entries wait. */
    public static long count(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM peer_pending")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Applies, in the order they came, the kept values whose table and columns this database now has, as a pull
     * would apply them (capture off; a column with a local edit not yet pushed keeps it); values of columns still
     * missing stay kept. Returns how many entries were applied whole. Runs its own transaction.
     */
    public static long applyReady(Connection c, Map<String, LocalTable> tables) throws SQLException {
        return Transactions.immediate(c, () -> {
            record Kept(long id, String table, String recordId, Kind kind, Map<String, JsonNode> values, Hlc hlc,
                        String origin) {
            }
            List<Kept> ready = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, table_name, record_id, kind, payload, hlc, origin_node"
                         + " FROM peer_pending ORDER BY id")) {
                while (rs.next()) {
                    if (tables.containsKey(rs.getString(2))) {
                        ready.add(new Kept(rs.getLong(1), rs.getString(2), rs.getString(3),
                                Kind.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)),
                                rs.getString(5) == null ? Map.of() : Values.object(rs.getString(5)),
                                Hlc.parse(rs.getString(6)), rs.getString(7)));
                    }
                }
            }
            if (ready.isEmpty()) {
                return 0L;
            }
            long applied = 0;
            ClientState.applying(c, true);
            try (RemoteApply apply = new RemoteApply(c, tables, Map.of());
                 PreparedStatement done = c.prepareStatement("DELETE FROM peer_pending WHERE id = ?");
                 PreparedStatement rest = c.prepareStatement("UPDATE peer_pending SET payload = ? WHERE id = ?")) {
                for (Kept kept : ready) {
                    List<String> columns = tables.get(kept.table()).columns();
                    Map<String, JsonNode> now = new LinkedHashMap<>();
                    Map<String, JsonNode> later = new LinkedHashMap<>();
                    kept.values().forEach((col, value) -> (columns.contains(col) ? now : later).put(col, value));
                    if (kept.kind() != Kind.DELETE && now.isEmpty()) {
                        continue; // its columns are still missing
                    }
                    Operation op = kept.kind() == Kind.DELETE ? Operation.DELETE : Operation.UPSERT;
                    // a relayed change settles against local edits like a pulled one; a peer's row is a copy
                    apply.applyPage(List.of(new PulledChange(kept.kind() == Kind.ROW ? 0 : 1, kept.table(),
                            kept.recordId(), op, now, kept.hlc(), kept.origin())), false);
                    if (later.isEmpty()) {
                        done.setLong(1, kept.id());
                        done.executeUpdate();
                        applied++;
                    } else {
                        rest.setString(1, Values.text(later));
                        rest.setLong(2, kept.id());
                        rest.executeUpdate();
                    }
                }
            }
            ClientState.applying(c, false);
            return applied;
        });
    }
}
