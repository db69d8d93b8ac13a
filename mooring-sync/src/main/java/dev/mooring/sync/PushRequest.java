package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * A client's push: its pending changes in outbox order. Immutable.
 *
 * @param nodeId  the pushing node
 * @param changes the changes, in the order the node made them
 */
public record PushRequest(String nodeId, List<RowChange> changes) {
    /** Checks the fields and copies the list. */
    public PushRequest {
        Objects.requireNonNull(nodeId, "nodeId");
        changes = WireForm.list(changes, "changes");
    }
}
