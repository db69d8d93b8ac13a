package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.PeerInfo;
import java.util.Optional;

/**
 * The check two peers make of each other's {@link PeerInfo} before any change moves over the LAN endpoint: another
 * device (not this database itself) of the same user (both must have synced with the server once, which names the
 * user), able to take relayed changes, and — when the client schemas differ — with the older side able to keep
 * values for tables and columns it does not have yet. Both sides check, so neither depends on the other being honest
 * about itself; the importer checks the user again on every import. Stateless.
 */
public final class PeerHandshake {
    private PeerHandshake() {
    }

    /** What makes an exchange between {@code me} and {@code them} impossible; empty when they may exchange. */
    public static Optional<String> problem(PeerInfo me, PeerInfo them) {
        String node = them.nodeId();
        if (node.equals(me.nodeId())) {
            return Optional.of("the peer is this database itself (node " + node + ")");
        }
        if (me.userId() == null) {
            return Optional.of("this database has never synced with the server, so its user is not known; peers"
                    + " exchange changes only between devices of the same user. Sync once, then try again");
        }
        if (them.userId() == null) {
            return Optional.of("node " + node + " has never synced with the server, so its user is not known; peers"
                    + " exchange changes only between devices of the same user. Sync it once, then try again");
        }
        if (!me.userId().equals(them.userId())) {
            return Optional.of("node " + node + " is another user's device; peers exchange changes only between"
                    + " devices of the same user");
        }
        if (!them.capabilities().contains(PeerInfo.RELAYS)) {
            return Optional.of("node " + node + " cannot keep relayed changes for the server (capabilities "
                    + them.capabilities() + "); upgrade Mooring on it");
        }
        if (!me.schemaVersion().equals(them.schemaVersion())
                && !(me.capabilities().contains(PeerInfo.KEEPS_UNKNOWN)
                && them.capabilities().contains(PeerInfo.KEEPS_UNKNOWN))) {
            return Optional.of("the client schemas differ (" + me.schemaVersion() + " here, " + them.schemaVersion()
                    + " at node " + node + ") and one side cannot keep values for tables and columns it lacks, so"
                    + " they would be lost; upgrade Mooring on it, or migrate both to the same version");
        }
        return Optional.empty();
    }

    /**
     * Refuses the exchange when {@link #problem} finds one.
     *
     * @throws MooringException {@code PEER_REFUSED} naming the problem; nothing was changed
     */
    public static void check(PeerInfo me, PeerInfo them) {
        problem(me, them).ifPresent(problem -> {
            throw new MooringException(ErrorCode.PEER_REFUSED, "The peer exchange was refused: " + problem
                    + ". Nothing was changed.");
        });
    }
}
