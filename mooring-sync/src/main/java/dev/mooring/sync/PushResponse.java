package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * The server's answer to a {@link PushRequest}. Immutable.
 *
 * @param results    one result per pushed change, in the order pushed
 * @param serverTime the server clock after the push, for the client's {@link HybridClock#receive}
 */
public record PushResponse(List<ChangeResult> results, Hlc serverTime) {
    /** Checks the fields and copies the list. */
    public PushResponse {
        results = WireForm.list(results, "results");
        Objects.requireNonNull(serverTime, "serverTime");
    }
}
