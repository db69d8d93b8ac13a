package dev.mooring.sync;

import java.util.Objects;

/**
 * What the server did with one pushed change. Immutable.
 *
 * @param clientSeq the {@link RowChange#clientSeq()} of the change, from 1
 * @param status    what happened
 * @param reason    why, for a superseded, queued or rejected change (may be null there); null otherwise
 */
public record ChangeResult(long clientSeq, ChangeStatus status, String reason) {
    /** Checks the fields: a reason only where the status has one. */
    public ChangeResult {
        if (clientSeq < 1) {
            throw new IllegalArgumentException("clientSeq must be 1 or more, but was " + clientSeq + ".");
        }
        Objects.requireNonNull(status, "status");
        if (reason != null && !status.hasReason()) {
            throw new IllegalArgumentException("A " + status.wireName() + " change has no reason, but got '" + reason
                    + "'; reasons are for superseded, conflict_queued and rejected changes.");
        }
    }
}
