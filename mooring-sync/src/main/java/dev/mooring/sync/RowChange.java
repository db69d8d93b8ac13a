package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param fill      values of other columns, used only when the change creates its row on the server, and then without
 *                  a time (any real write of those columns wins them): an edit of a row whose insert, relayed from a
 *                  peer, has not reached the server yet carries the insert's values, so the row it creates is whole
 *                  (a NOT NULL column has its value). Empty for every other change, and then not in the JSON form.
 */
public record RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                        long clientSeq, String basis,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> fill) {
    /** Checks every field and copies the values; a Java null value becomes JSON null; no fill is an empty fill. */
    public RowChange {
        values = WireForm.values(values, "values");
        WireForm.checkRow(table, id, op, values, hlc);
        Objects.requireNonNull(nodeId, "nodeId");
        if (op == Operation.REMOVE) {
            throw new IllegalArgumentException("A change of " + table + " row '" + id + "' cannot be a remove: only"
                    + " the server sends those, in pulls; a pushed or relayed change is an upsert or a delete.");
        }
        if (clientSeq < 1) {
            throw new IllegalArgumentException("clientSeq must be 1 or more, but was " + clientSeq + ".");
        }
        fill = fill == null ? Map.of() : WireForm.values(fill, "fill");
        for (String column : fill.keySet()) {
            if (values.containsKey(column)) {
                throw new IllegalArgumentException("column " + column + " is in both values and fill; a fill holds"
                        + " only columns the change does not set.");
            }
        }
        if (op == Operation.DELETE && !fill.isEmpty()) {
            throw new IllegalArgumentException("a delete carries no fill.");
        }
    }

    /** A change without a fill. */
    public RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                     long clientSeq, String basis) {
        this(table, id, op, values, hlc, nodeId, clientSeq, basis, null);
    }

    /** The same change with {@code fill}. */
    public RowChange withFill(Map<String, JsonNode> fill) {
        return new RowChange(table, id, op, values, hlc, nodeId, clientSeq, basis, fill);
    }

    /** A change without a {@code basis}: the server takes the node's latest pull as what it had seen. */
    public RowChange(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc, String nodeId,
                     long clientSeq) {
        this(table, id, op, values, hlc, nodeId, clientSeq, null);
    }
}
