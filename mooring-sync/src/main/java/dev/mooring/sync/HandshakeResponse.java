package dev.mooring.sync;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The server's answer to a {@link Handshake}. Immutable.
 *
 * @param compatible          whether the client may sync with this server
 * @param serverSchemaVersion the schema version the server is at; empty when the server was not told
 * @param message             why the client is not compatible and what to do; may be null when it is
 * @param serverTime          the server clock, for the client's {@link HybridClock#receive}
 * @param tables              the synced tables the user may pull and their conflict rules, by client table name;
 *                            empty from a server that does not say
 * @param user                the user the request's token belongs to, for a client that asked with the
 *                            {@link #PEERS} capability (peers exchange changes only between devices of one user);
 *                            {@code null} otherwise, and left out of the JSON so older clients read the answer
 */
public record HandshakeResponse(boolean compatible, String serverSchemaVersion, String message, Hlc serverTime,
                                Map<String, TableRules> tables, String user) {
    /** The handshake capability of a client that exchanges changes with peers and so needs to know its user. */
    public static final String PEERS = "peers";

    /** Checks the fields. */
    public HandshakeResponse {
        Objects.requireNonNull(serverSchemaVersion, "serverSchemaVersion");
        Objects.requireNonNull(serverTime, "serverTime");
        tables = tables == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tables));
    }

    /** An answer that names no user. */
    public HandshakeResponse(boolean compatible, String serverSchemaVersion, String message, Hlc serverTime,
                             Map<String, TableRules> tables) {
        this(compatible, serverSchemaVersion, message, serverTime, tables, null);
    }

    /** An answer that names no tables and no user. */
    public HandshakeResponse(boolean compatible, String serverSchemaVersion, String message, Hlc serverTime) {
        this(compatible, serverSchemaVersion, message, serverTime, null, null);
    }
}
