package dev.mooring.sync.client;

import java.time.Instant;

/**
 * Where a client stands, for an app's sync indicator or {@code mooring sync status}. Immutable.
 *
 * @param nodeId             this client's node id
 * @param pendingChanges     local changes not yet acknowledged by the server (rejected ones included)
 * @param rejectedChanges    changes the server refused, kept in the outbox with their reason
 * @param lastSuccessfulSync when the last sync that completed ended; {@code null} if none has
 * @param lastError          the error of the last sync if it failed; {@code null} if it succeeded or none ran
 * @param cursor             where the next pull starts; {@code null} before the first pull (a bootstrap comes next)
 */
public record ClientStatus(String nodeId, long pendingChanges, long rejectedChanges, Instant lastSuccessfulSync,
                           String lastError, String cursor) {
}
