package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code mooring.nodes}: which user each client installation belongs to, the last change sequence applied from it
 * (what makes pushes idempotent), how far it has pulled (what it has seen), and its clock skew. Stateless; every
 * method runs in the caller's transaction.
 */
public final class Nodes {
    /** One node as a push sees it. */
    public record Node(long lastSeq, Long lastPulled) {
    }

    private Nodes() {
    }

    /**
     * Registers {@code nodeId} for {@code userId} on first sight, locks its row until the transaction ends, and
     * returns it.
     *
     * @throws MooringException {@code AUTHENTICATION} when the node belongs to another user
     */
    public static Node claim(Connection c, String nodeId, String userId) throws SQLException {
        checkId(nodeId);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mooring.nodes AS n (node_id, user_id) VALUES (?, ?)
                ON CONFLICT (node_id) DO UPDATE SET last_seen_at = now()
                RETURNING n.user_id, n.last_seq, n.last_pulled::text
                """)) {
            ps.setString(1, nodeId);
            ps.setString(2, userId);
            return node(ps, nodeId, userId);
        }
    }

    /**
     * The origin node of relayed changes (changes another node made, pushed by a peer that learned them): registered
     * for {@code userId} on first sight (without touching its last-seen time: it was not seen, only heard of), its
     * row locked until the transaction ends. Empty when the node belongs to another user: peers exchange changes
     * only between devices of one user, so such a relay is refused. Call it for the nodes of one push in node id
     * order, with the pushing node among them ({@link #claim}), so concurrent pushes lock them in one order and wait
     * rather than deadlock.
     */
    public static java.util.Optional<Node> claimOrigin(Connection c, String nodeId, String userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mooring.nodes AS n (node_id, user_id) VALUES (?, ?)
                ON CONFLICT (node_id) DO UPDATE SET node_id = n.node_id
                RETURNING n.user_id, n.last_seq, n.last_pulled::text
                """)) {
            ps.setString(1, nodeId);
            ps.setString(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!userId.equals(rs.getString(1))) {
                    return java.util.Optional.empty();
                }
                String pulled = rs.getString(3);
                return java.util.Optional.of(new Node(rs.getLong(2), pulled == null ? null : Long.parseLong(pulled)));
            }
        }
    }

    private static Node node(PreparedStatement ps, String nodeId, String userId) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!userId.equals(rs.getString(1))) {
                throw new MooringException(ErrorCode.AUTHENTICATION, "node " + nodeId + " is registered to another"
                        + " user; every installation needs its own node id.");
            }
            String pulled = rs.getString(3);
            return new Node(rs.getLong(2), pulled == null ? null : Long.parseLong(pulled));
        }
    }

    /**
     * A node id is 1 to 64 of {@code A-Z a-z 0-9 . _ : -} (what an HLC can carry), and never {@code server}, the
     * origin of every write made on the server itself.
     *
     * @throws MooringException {@code USAGE} otherwise
     */
    public static void checkId(String nodeId) {
        if (!allowed(nodeId)) {
            throw new MooringException(ErrorCode.USAGE, "node id '" + (nodeId == null ? "null"
                    : nodeId.length() > 80 ? nodeId.substring(0, 80) + "…" : nodeId) + "' is not allowed: use 1 to 64"
                    + " characters of A-Z, a-z, 0-9, '.', '_', ':' or '-', and not 'server' (reserved for the server's"
                    + " own writes)");
        }
    }

    /** Whether {@code nodeId} is a node id a client may have (see {@link #checkId}). */
    public static boolean allowed(String nodeId) {
        return nodeId != null && nodeId.matches("[A-Za-z0-9._:-]{1,64}") && !nodeId.equals("server");
    }

    /** Records the last change sequence applied from the node. */
    public static void applied(Connection c, String nodeId, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mooring.nodes SET last_seq = greatest(last_seq, ?) WHERE node_id = ?")) {
            ps.setLong(1, seq);
            ps.setString(2, nodeId);
            ps.executeUpdate();
        }
    }

    /** Records that the node has been given every change of transactions before {@code xid}. */
    public static void pulledTo(Connection c, String nodeId, long xid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE mooring.nodes SET last_pulled = ?::xid8 WHERE node_id = ?")) {
            ps.setString(1, Long.toString(xid));
            ps.setString(2, nodeId);
            ps.executeUpdate();
        }
    }

    /** Records the node's clock skew against the server, and whether its time had to be clamped. */
    public static void skew(Connection c, String nodeId, long skewMs, boolean clamped) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mooring.nodes SET last_skew_ms = ?,"
                + " clamped_count = clamped_count + ? WHERE node_id = ?")) {
            ps.setLong(1, skewMs);
            ps.setInt(2, clamped ? 1 : 0);
            ps.setString(3, nodeId);
            ps.executeUpdate();
        }
    }
}
