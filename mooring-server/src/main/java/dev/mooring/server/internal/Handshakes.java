package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.sync.TableRules;
import java.util.Map;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.Hlc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Answers a client's handshake: registers the node for its user, records the schema version it runs, and says
 * whether the server accepts that version. Stateless.
 */
public final class Handshakes {
    private Handshakes() {
    }

    public static HandshakeResponse answer(DataSource ds, TableCatalog catalog, String userId, Handshake handshake,
                                           String serverVersion, String minimumClientVersion, Hlc now,
                                           Map<String, TableRules> tables) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                Nodes.claim(c, handshake.nodeId(), userId);
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE mooring.nodes SET schema_version = ? WHERE node_id = ?")) {
                    ps.setString(1, handshake.schemaVersion());
                    ps.setString(2, handshake.nodeId());
                    ps.executeUpdate();
                }
                Subscriptions.hand(c, catalog, userId, handshake.nodeId(), handshake.subscription());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not register the node: " + e.getMessage(), e);
        }
        String problem = compatibility(handshake.schemaVersion(), minimumClientVersion);
        return new HandshakeResponse(problem == null, serverVersion, problem, now, tables,
                handshake.capabilities().contains(HandshakeResponse.PEERS) ? userId : null);
    }

    /** Why the client's schema version is not accepted, or {@code null} when it is. */
    static String compatibility(String clientVersion, String minimum) {
        if (minimum == null) {
            return null;
        }
        if (clientVersion == null) {
            return "this server needs clients at schema version " + minimum + " or newer; the client sent none."
                    + " Upgrade the app.";
        }
        MigrationVersion client;
        try {
            client = MigrationVersion.parse(clientVersion);
        } catch (MooringException | IllegalArgumentException e) {
            return "the client's schema version '" + clientVersion + "' is not a migration version.";
        }
        return client.compareTo(MigrationVersion.parse(minimum)) >= 0 ? null
                : "upgrade required: the client runs schema version " + clientVersion + ", this server needs "
                + minimum + " or newer.";
    }
}
