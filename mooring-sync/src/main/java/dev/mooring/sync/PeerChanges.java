package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * What one peer sends another, in an exchange file or over the peer endpoint. Immutable.
 *
 * @param from    the sending peer
 * @param cursor  the sender's pull cursor when it wrote this: its rows hold at least every server change up to
 *                there; {@code null} when it has never pulled
 * @param since   only rows the sender synced after this time are included; {@code null} for all
 * @param changes changes not yet acknowledged by the server: the sender's own and those it relays for other nodes,
 *                each origin's in sequence order
 * @param rows    rows the sender has from the server and has not changed since (empty when it sends none)
 */
public record PeerChanges(PeerInfo from, String cursor, Hlc since, List<RowChange> changes, List<PeerRow> rows) {
    /** Checks the fields and copies the lists. */
    public PeerChanges {
        Objects.requireNonNull(from, "from");
        changes = WireForm.list(changes, "changes");
        rows = WireForm.list(rows, "rows");
    }
}
