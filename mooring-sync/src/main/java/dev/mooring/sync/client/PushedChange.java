package dev.mooring.sync.client;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.mooring.sync.Operation;
import java.util.Locale;
import java.util.Objects;

/**
 * What became of one change a sync pushed: the server's answer to it. Immutable.
 *
 * @param table      the table
 * @param id         the row's id
 * @param operation  what the change did to the row as sent: {@code upsert} (an insert or an update: the columns it
 *                   sets) or {@code delete}
 * @param clientSeq  its number in its node's sequence (the server's idempotency key, with the node)
 * @param originNode the node that made a change this one relays for it (learned from a peer); {@code null} for this
 *                   client's own changes, numbered in its own sequence
 * @param status     what the server did with it
 * @param reason     the server's reason, for a superseded, queued, rejected or deferred change; {@code null} otherwise
 */
public record PushedChange(String table, String id, Operation operation, long clientSeq, String originNode,
                           Status status, String reason) {
    /** What the server did with a pushed change. JSON: the name in lower case, e.g. {@code "conflict_queued"}. */
    public enum Status {
        /** Applied as sent: the row now holds its values. */
        APPLIED,
        /**
         * Applied in part: some of its columns lost to newer values on the server, which the client took from the
         * answer. Only for this client's own changes; a relay's answer does not say whether it applied whole.
         */
        MERGED,
        /** Not applied: a newer version on the server won every column it set (or the delete); the client took it. */
        SUPERSEDED,
        /** Not applied: it conflicts and waits in the server's conflict queue for a person. */
        CONFLICT_QUEUED,
        /** The server had it already (a batch sent again after a lost answer, or a copy of the database). */
        DUPLICATE,
        /**
         * A relay that arrived before earlier changes of its origin: kept in the outbox and sent again in a later
         * sync. Not a rejection.
         */
        DEFERRED,
        /** Refused (see the reason): kept in the outbox until retried or discarded. */
        REJECTED;

        /** The JSON form: the name in lower case. */
        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Checks the fields. */
    public PushedChange {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(status, "status");
    }
}
