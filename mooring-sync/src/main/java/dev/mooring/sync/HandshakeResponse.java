package dev.mooring.sync;

import java.util.Objects;

/**
 * The server's answer to a {@link Handshake}. Immutable.
 *
 * @param compatible          whether the client may sync with this server
 * @param serverSchemaVersion the schema version the server is at
 * @param message             why the client is not compatible and what to do; may be null when it is
 * @param serverTime          the server clock, for the client's {@link HybridClock#receive}
 */
public record HandshakeResponse(boolean compatible, String serverSchemaVersion, String message, Hlc serverTime) {
    /** Checks the fields. */
    public HandshakeResponse {
        Objects.requireNonNull(serverSchemaVersion, "serverSchemaVersion");
        Objects.requireNonNull(serverTime, "serverTime");
    }
}
