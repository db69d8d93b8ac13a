package dev.mooring.sync;

/** How a push that meets a concurrent server change of the same row is settled. */
public enum ConflictPolicy {
    /** Last writer wins per column, by hybrid logical time: concurrent edits to different columns both survive. */
    LWW_COLUMN,
    /** Last writer wins for the whole row: the newer change replaces every column it carries, the older is dropped. */
    LWW_ROW,
    /** A client change to a row another node changed since this client's last pull is dropped. */
    SERVER_WINS,
    /** A client change always applies, even over a change this client has not seen. */
    CLIENT_WINS,
    /**
     * Near-simultaneous edits (within the table's window) from two nodes with different content are not resolved
     * automatically: the server keeps its version and the conflict waits in a queue for a person.
     */
    MANUAL;

    /** The name used in configuration files and on the wire: {@code lww-column}, {@code server-wins}, … */
    @com.fasterxml.jackson.annotation.JsonValue
    public String configName() {
        return ConfigNames.of(this);
    }

    /** Parses a {@link #configName()}; the error lists the accepted names. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static ConflictPolicy parse(String text) {
        return ConfigNames.parse(values(), text, "conflict policy");
    }
}
