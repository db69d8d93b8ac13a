package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * What the server did with one pushed change. Immutable.
 *
 * @param clientSeq the {@link RowChange#clientSeq()} of the change, from 1
 * @param status    what happened
 * @param reason    why, for a superseded, queued, rejected or deferred change (may be null there); null otherwise
 * @param current   the row as the server has it once the whole batch is applied, every column, when the change did
 *                  not apply as sent (superseded, queued, applied only in part, a delete that lost), so the client can
 *                  take the server's version of what it lost; also for a duplicate (the first answer may have been
 *                  lost), for an update relayed for another node (pulls do not send the relaying node its relays
 *                  back), and for a change rejected on a row the user may still read (a write rule refused it: the
 *                  client takes the row back and keeps the rejected change); {@code null} otherwise: the change
 *                  applied as sent, so the row holds its values (and, for an upsert, is not deleted) unless a later
 *                  change of the batch changed it again
 */
public record ChangeResult(long clientSeq, ChangeStatus status, String reason, Map<String, JsonNode> current) {
    /** Checks the fields: a reason only where the status has one. */
    public ChangeResult {
        if (clientSeq < 1) {
            throw new IllegalArgumentException("clientSeq must be 1 or more, but was " + clientSeq + ".");
        }
        Objects.requireNonNull(status, "status");
        if (reason != null && !status.hasReason()) {
            throw new IllegalArgumentException("A " + status.wireName() + " change has no reason, but got '" + reason
                    + "'; reasons are for superseded, conflict_queued, rejected and deferred changes.");
        }
        current = current == null ? null : WireForm.values(current, "current");
    }

    /** A result without the server's row. */
    public ChangeResult(long clientSeq, ChangeStatus status, String reason) {
        this(clientSeq, status, reason, null);
    }
}
