package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a change does to its row. JSON: {@code "upsert"}, {@code "delete"} or {@code "remove"}. */
public enum Operation {
    /** Inserts the row, or sets the given columns of the existing row. */
    UPSERT,
    /** Deletes the row. */
    DELETE,
    /**
     * The row is no longer visible to the pulling user (it moved out of what their rules let them read: unshared,
     * its group left): the client removes it from the device outright, leaving no tombstone. Only the server sends it,
     * in a pull ({@link PulledChange}); it carries no values. Never pushed or relayed ({@link RowChange} refuses it).
     */
    REMOVE;

    /** The JSON form: the name in lower case. */
    @JsonValue
    public String wireName() {
        return WireForm.name(this);
    }

    /**
     * The operation with this JSON name.
     *
     * @throws IllegalArgumentException naming the text and the names allowed
     */
    @JsonCreator
    public static Operation fromWireName(String text) {
        return WireForm.constant(Operation.class, text);
    }
}
