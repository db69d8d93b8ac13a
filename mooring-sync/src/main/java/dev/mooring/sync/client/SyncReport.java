package dev.mooring.sync.client;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one sync did. Immutable.
 *
 * @param pulled       changes pulled from the server
 * @param applied      pulled changes written to local rows (the rest were for tables or rows this client does not
 *                     hold, or lost to a newer local edit)
 * @param removed      rows taken off this device because they moved out of what the user may read (unshared, a
 *                     group left): pulled removes of rows it held. Their local changes not yet acknowledged are kept
 *                     as rejected outbox entries, counted in {@code pending}, not in {@code rejected}
 * @param bootstrap    whether the pull was (or included) a bootstrap: a full copy of the user's rows
 * @param pushed       changed rows sent to the server
 * @param acknowledged pushed changes the server settled (applied, superseded, queued or already had)
 * @param rejected     pushed changes the server refused; they stay in the outbox with the reason
 * @param conflicts    conflicts that touched local rows in this sync, one per row: a pulled change settled here
 *                     against a local edit and the server's answer to that edit are one conflict, as the server
 *                     records it
 * @param pending      changes still waiting in the outbox afterwards (rejected ones included)
 * @param duration     how long the sync took
 * @param changes      what became of each pushed change, in the order pushed (a change sent again after a lost answer
 *                     is listed for each answer)
 */
public record SyncReport(long pulled, long applied, long removed, boolean bootstrap, long pushed, long acknowledged,
                         long rejected, List<SyncConflict> conflicts, long pending, Duration duration,
                         List<PushedChange> changes) {
    public SyncReport {
        conflicts = List.copyOf(conflicts);
        changes = List.copyOf(changes);
    }

    /** This report with {@code pending} changes left in the outbox. */
    public SyncReport withPending(long pending) {
        return new SyncReport(pulled, applied, removed, bootstrap, pushed, acknowledged, rejected, conflicts, pending,
                duration, changes);
    }

    /** How many pushed changes got each status, in the order of {@link PushedChange.Status}; absent ones left out. */
    public Map<PushedChange.Status, Long> changesByStatus() {
        Map<PushedChange.Status, Long> counts = new EnumMap<>(PushedChange.Status.class);
        changes.forEach(c -> counts.merge(c.status(), 1L, Long::sum));
        return counts;
    }
}
