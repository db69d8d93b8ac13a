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
     * The row left what the user may see (it was unshared, left a shared group, its share was deleted): it is removed
     * from the device, not deleted; only pulls carry it.
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
