package dev.mooring.sync;

import java.util.Objects;

/**
 * A peer's request for the changes of the device it calls, on the LAN endpoint ({@code POST /peer/v1/export}): who
 * asks, so the device can refuse another user's before anything is sent, and from when synced rows are wanted.
 * Immutable.
 *
 * @param from  the asking peer
 * @param since only rows synced after this time are sent, as with {@code mooring peer export --since}; {@code null}
 *              for all (changes the server has not acknowledged are always sent)
 */
public record PeerExportRequest(PeerInfo from, Hlc since) {
    /** Checks the fields. */
    public PeerExportRequest {
        Objects.requireNonNull(from, "from");
    }
}
