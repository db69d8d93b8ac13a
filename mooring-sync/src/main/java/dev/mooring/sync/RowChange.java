package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * One change a client pushes: the columns of one row it changed, with their new values. Immutable.
 *
 * @param table     the table of the row
 * @param id        the row's primary key, as text
 * @param op        upsert or delete
 * @param values    the changed columns and their new values in order, JSON null for SQL NULL; empty for a delete
 * @param hlc       when the change was made, by the origin node's {@link HybridClock}
 * @param nodeId    the node that made the change (its origin); another node than the pushing one for a relay, a
 *                  change the pushing node learned from a peer
 * @param clientSeq the change's number in the origin node's outbox, from 1; the server uses it to spot duplicates
 *                  and, for relays, changes that arrive before earlier ones of their origin
 * @param basis     the pull cursor the origin node had applied when it made the change (the earliest, for the net effect
 *                  of several edits): changes other nodes made after it are concurrent with this one. {@code null}
 *                  means "the node's latest pull", the server's assumption for clients that do not say.
 */
public record RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                        long clientSeq, String basis) {
    /** Checks every field and copies the values; a Java null value becomes JSON null. */
    public RowChange {
        values = WireForm.values(values, "values");
        WireForm.checkRow(table, id, op, values, hlc);
        Objects.requireNonNull(nodeId, "nodeId");
        if (clientSeq < 1) {
            throw new IllegalArgumentException("clientSeq must be 1 or more, but was " + clientSeq + ".");
        }
    }

    /** A change without a {@code basis}: the server takes the node's latest pull as what it had seen. */
    public RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                     long clientSeq) {
        this(table, id, op, values, hlc, nodeId, clientSeq, null);
    }
}
