package dev.mooring.sync.client;

import java.util.Set;

/**
 * Hears what a sync does: rows it changed (for a UI to refresh), pull progress, and each completed step; and the
 * requests the database's LAN endpoint answers. Every method has an empty default. Listeners run on the syncing
 * thread, after the change they report is committed;
 * an exception a listener throws stops the sync at that point, exactly as a crash there would (tests use this to
 * cut a sync between any two steps), and is rethrown to the caller.
 */
public interface SyncListener {
    /**
     * Rows of {@code table} a sync changed (pulled, corrected after the server decided a conflict, or removed because
     * they moved out of what the user may read: those are no longer in the table).
     */
    default void rowsChanged(String table, Set<String> ids) {
    }

    /**
     * Pull progress, after each applied page.
     *
     * @param changesApplied changes applied so far in this sync
     * @param bootstrap      whether the pages are a bootstrap (a full copy) rather than the change log
     */
    default void pullProgress(long changesApplied, boolean bootstrap) {
    }

    /** A step of the sync completed and is committed. */
    default void stepCompleted(SyncStep step) {
    }

    /**
     * A sync finished and everything it did is committed: its report. Every {@link SyncClient#sync} ends with it, and
     * so does each sync live sync runs. An exception it throws is rethrown to the caller of {@code sync} (live sync
     * treats it as a failed sync).
     */
    default void syncFinished(SyncReport report) {
    }

    /**
     * Live sync ({@link SyncClient#startLive}) changed state: connected, offline until a retry, or stopped. Runs on
     * the live thread; an exception it throws is ignored.
     */
    default void liveStatusChanged(LiveStatus status) {
    }

    /**
     * The database's LAN endpoint ({@link SyncClient#servePeers}) answered a request, exchange or refusal. Runs on
     * the endpoint's thread once the answer is sent; an exception it throws is ignored (the answer is gone).
     */
    default void peerRequestServed(PeerRequestServed request) {
    }
}
