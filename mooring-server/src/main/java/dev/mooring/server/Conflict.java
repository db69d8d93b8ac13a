package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One conflict from {@code mooring.conflicts}: both versions of the row, the rule that decided and the result. Manual
 * ones wait with status {@code pending} until someone resolves them through {@link ConflictQueue}. Immutable.
 *
 * @param id            the conflict's number
 * @param table         the synced table, as clients name it
 * @param recordId      the row's id
 * @param owner         the user who owns the row ({@code *} for a public-read table)
 * @param serverVersion the row as the server had it when the change arrived
 * @param clientVersion the columns the client pushed
 * @param clientNode    the node that pushed
 * @param clientHlc     the pushed change's hybrid logical time, as text
 * @param rule          the rule that decided ({@code manual}, {@code lww-column}, …)
 * @param result        {@code pending} while waiting; {@code client}, {@code server} or {@code merged} once decided
 * @param status        {@code pending} or {@code resolved}
 * @param createdAt     when the conflict arose
 * @param resolvedAt    when a person resolved it; {@code null} for one decided by a rule or still pending
 * @param resolvedBy    who resolved it; {@code null} likewise
 */
public record Conflict(long id, String table, String recordId, String owner, JsonNode serverVersion,
                       JsonNode clientVersion, String clientNode, String clientHlc, String rule, String result,
                       String status, Instant createdAt, Instant resolvedAt, String resolvedBy) {
    /** Whether it still waits for a person. */
    public boolean pending() {
        return "pending".equals(status);
    }
}
