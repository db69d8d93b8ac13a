package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * A client's push: its pending changes in outbox order, and the changes of other nodes of the same user it relays
 * (learned from a peer), each under its origin's node id and sequence. Immutable.
 *
 * @param nodeId  the pushing node
 * @param changes the changes, each origin's in the order it made them
 */
public record PushRequest(String nodeId, List<RowChange> changes) {
    /** Checks the fields and copies the list. */
    public PushRequest {
        Objects.requireNonNull(nodeId, "nodeId");
        changes = WireForm.list(changes, "changes");
    }
}
