package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * One page of changes for a client's pull. Immutable.
 *
 * @param changes    the changes in change-log order
 * @param nextCursor the cursor to pull from next
 * @param hasMore    whether more changes wait after this page
 * @param bootstrap  whether this page is part of a bootstrap (a full copy of the rows) rather than the change log
 * @param serverTime the server clock, for the client's {@link HybridClock#receive}
 */
public record PullResponse(List<PulledChange> changes, String nextCursor, boolean hasMore, boolean bootstrap,
                           Hlc serverTime) {
    /** Checks the fields and copies the list. */
    public PullResponse {
        changes = WireForm.list(changes, "changes");
        Objects.requireNonNull(nextCursor, "nextCursor");
        Objects.requireNonNull(serverTime, "serverTime");
    }
}
