package dev.mooring.sync;

/** Which way a synced table's rows travel. */
public enum Direction {
    /** Clients pull and push. */
    TWO_WAY,
    /** Clients pull only: data the server generates, which clients must not upload. */
    SERVER_TO_CLIENT;

    /** The name used in configuration files: lower case with dashes. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String configName() {
        return ConfigNames.of(this);
    }

    /** Parses a {@link #configName()}; the error lists the accepted names. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static Direction parse(String text) {
        return ConfigNames.parse(values(), text, "direction");
    }
}
