package dev.mooring.sync.client;

import java.time.Duration;
import java.util.List;

/**
 * What one sync did. Immutable.
 *
 * @param pulled       changes pulled from the server
 * @param applied      pulled changes written to local rows (the rest were for tables or rows this client does not
 *                     hold, or lost to a newer local edit)
 * @param bootstrap    whether the pull was (or included) a bootstrap: a full copy of the user's rows
 * @param pushed       changed rows sent to the server
 * @param acknowledged pushed changes the server settled (applied, superseded, queued or already had)
 * @param rejected     pushed changes the server refused; they stay in the outbox with the reason
 * @param conflicts    conflicts that touched local rows in this sync
 * @param pending      changes still waiting in the outbox afterwards (rejected ones included)
 * @param duration     how long the sync took
 */
public record SyncReport(long pulled, long applied, boolean bootstrap, long pushed, long acknowledged, long rejected,
                         List<SyncConflict> conflicts, long pending, Duration duration) {
    public SyncReport {
        conflicts = List.copyOf(conflicts);
    }
}
