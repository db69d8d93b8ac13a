package dev.mooring.sync.client;

import dev.mooring.sync.PeerInfo;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one exchange with a peer over the LAN endpoint ({@link SyncClient#syncWithPeer}) did, in both directions.
 * Immutable.
 *
 * @param peerUrl         the peer's URL
 * @param peer            who the peer said it is in the handshake
 * @param changesSent     changes this device sent (its own and those it relays)
 * @param rowsSent        synced rows this device sent
 * @param peerImported    what the peer did with them
 * @param changesReceived changes the peer sent
 * @param rowsReceived    synced rows the peer sent
 * @param imported        what this device did with them
 * @param warnings        what the user should know, from both imports: this device's as they are, the peer's
 *                        prefixed with {@code "the peer: "} (a schema version gap above the limit, say)
 * @param duration        how long the exchange took
 */
public record PeerSyncResult(URI peerUrl, PeerInfo peer, long changesSent, long rowsSent,
                             PeerImportResult peerImported, long changesReceived, long rowsReceived,
                             PeerImportResult imported, List<String> warnings, Duration duration) {
    public PeerSyncResult {
        Objects.requireNonNull(peerUrl, "peerUrl");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(peerImported, "peerImported");
        Objects.requireNonNull(imported, "imported");
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(duration, "duration");
    }
}
