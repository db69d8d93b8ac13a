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
 * @param nodeId    the node that made the change
 * @param clientSeq the change's number in the origin node's outbox, from 1; the server uses it to spot duplicates
 */
public record RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                        long clientSeq) {
    /** Checks every field and copies the values; a Java null value becomes JSON null. */
    public RowChange {
        values = WireForm.values(values, "values");
        WireForm.checkRow(table, id, op, values, hlc);
        Objects.requireNonNull(nodeId, "nodeId");
        if (clientSeq < 1) {
            throw new IllegalArgumentException("clientSeq must be 1 or more, but was " + clientSeq + ".");
        }
    }
}
