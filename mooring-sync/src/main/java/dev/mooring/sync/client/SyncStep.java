package dev.mooring.sync.client;

/**
 * The points between the steps of a sync, each right after a committed transaction. A crash (or an exception from
 * {@link SyncListener#stepCompleted}) at any of them loses nothing: the next sync resumes from what was committed.
 */
public enum SyncStep {
    /** The server accepted the client's schema version. Nothing local changed yet. */
    HANDSHAKE,
    /** A pulled page was applied with its cursor, in one transaction. Repeats per page. */
    PAGE_APPLIED,
    /** Every page up to the server's present was applied. */
    PULLED,
    /** Pending local edits were merged into a batch with sequence numbers (committed; nothing sent yet). */
    BATCH_PREPARED,
    /** The server answered the batch; the answer is not recorded yet (a crash here re-sends: the server dedupes). */
    BATCH_SENT,
    /** The answer was recorded: rows marked synced, acknowledged outbox rows removed, lost columns corrected. */
    BATCH_ACKNOWLEDGED,
    /** The outbox holds nothing more to send. */
    PUSHED
}
