package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * One change as the server delivers it in a pull. A bootstrap row comes as an upsert of every column with
 * {@code seq} 0. Immutable.
 *
 * @param seq        the change's position in the server's change log, 0 for a bootstrap row
 * @param table      the table of the row
 * @param id         the row's primary key, as text
 * @param op         upsert, delete, or remove (the row moved out of what the user may read: the client drops it)
 * @param values     the changed columns and their values in order, JSON null for SQL NULL; empty for a delete and a
 *                   remove
 * @param hlc        when the change was made
 * @param originNode the node that made the change
 */
public record PulledChange(long seq, String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc,
                           String originNode) {
    /** Checks every field and copies the values; a Java null value becomes JSON null. */
    public PulledChange {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be 0 or more, but was " + seq + ".");
        }
        values = WireForm.values(values, "values");
        WireForm.checkRow(table, id, op, values, hlc);
        Objects.requireNonNull(originNode, "originNode");
    }
}
