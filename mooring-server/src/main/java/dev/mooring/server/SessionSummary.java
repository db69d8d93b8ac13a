package dev.mooring.server;

import java.time.Instant;

/**
 * One recorded sync request from {@code mooring.sync_sessions}. Immutable.
 *
 * @param id         the session's number
 * @param nodeId     the client node, {@code null} when unknown
 * @param userId     the authenticated user, {@code null} when authentication failed
 * @param kind       {@code handshake}, {@code pull} or {@code push}
 * @param startedAt  when it was recorded
 * @param durationMs how long the request took
 * @param changes    changes delivered (pull) or received (push)
 * @param conflicts  conflicts the push ran into
 * @param rejected   pushed changes the server refused
 * @param ok         whether the request succeeded
 * @param error      why it failed, {@code null} when it did not
 */
public record SessionSummary(long id, String nodeId, String userId, String kind, Instant startedAt, long durationMs,
                             int changes, int conflicts, int rejected, boolean ok, String error) {
}
