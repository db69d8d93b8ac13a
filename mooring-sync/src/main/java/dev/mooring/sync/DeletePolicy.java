package dev.mooring.sync;

/** How a delete meets a concurrent edit of the same row. Deletes are tombstones ({@code deleted_at}). */
public enum DeletePolicy {
    /** The common offline rule: server deleted + client modified → the client's edit is kept (the row comes
     * back); client deleted + server modified since the client's last pull → the server version is kept; both
     * deleted → deleted. */
    UPDATE_WINS,
    /** Whichever of the delete and the edit has the later hybrid logical time wins. */
    NEWEST_WINS,
    /** A delete always wins; an edit of a deleted row is dropped. */
    DELETE_WINS;

    /** The name used in configuration files: lower case with dashes. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String configName() {
        return ConfigNames.of(this);
    }

    /** Parses a {@link #configName()}; the error lists the accepted names. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static DeletePolicy parse(String text) {
        return ConfigNames.parse(values(), text, "delete policy");
    }
}
