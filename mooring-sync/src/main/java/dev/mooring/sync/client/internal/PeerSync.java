package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExportRequest;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.client.PeerImportResult;
import dev.mooring.sync.client.PeerSyncResult;
import dev.mooring.sync.client.SyncClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One exchange with a peer's LAN endpoint, in both directions: handshake (each side checks the other before any
 * change moves), this device's changes sent and imported there, the peer's fetched, checked and imported here. Each
 * import commits on its own; an exchange cut short in between leaves each side consistent, and running it again is
 * safe (an import of changes already held changes nothing). The database lock is held only while exporting and
 * importing, never while waiting for the peer, so two devices may call each other at the same time. Stateless.
 */
public final class PeerSync {
    private PeerSync() {
    }

    public static PeerSyncResult run(SyncClient client, URI peerUrl, PeerLink link, Hlc since) {
        long started = System.nanoTime();
        PeerInfo me = client.peerInfo();
        PeerInfo them = link.handshake(me);
        PeerHandshake.check(me, them);

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        PeerChanges sent = client.exportChanges(since, file);
        PeerImportResult there = link.send(file.toByteArray());

        PeerChanges received = link.fetch(new PeerExportRequest(me, since));
        if (!received.from().nodeId().equals(them.nodeId())) {
            throw new MooringException(ErrorCode.PEER_REFUSED, "The peer at " + link.url() + " shook hands as node "
                    + them.nodeId() + " but sent the changes of node " + received.from().nodeId() + "; they were not"
                    + " imported. Nothing was changed here.");
        }
        PeerImportResult here = client.importChanges(received);

        List<String> warnings = new ArrayList<>(here.warnings());
        there.warnings().forEach(w -> warnings.add("the peer: " + w));
        return new PeerSyncResult(peerUrl, them, sent.changes().size(), sent.rows().size(), there,
                received.changes().size(), received.rows().size(), here, warnings,
                Duration.ofNanos(System.nanoTime() - started));
    }
}
