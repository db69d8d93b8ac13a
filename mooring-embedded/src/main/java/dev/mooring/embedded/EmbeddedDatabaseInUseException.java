package dev.mooring.embedded;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * {@link EmbeddedPostgresServer#start(Path)} found its data directory in use: another process (a running
 * {@code mooring server}, a quickstart) runs a server on it. Nothing was started or changed; that server keeps
 * running and can be reached on {@link #port()}.
 */
public final class EmbeddedDatabaseInUseException extends MooringException {
    private final Path dataDirectory;
    private final int port;

    EmbeddedDatabaseInUseException(Path dataDirectory, OptionalInt port) {
        super(ErrorCode.EMBEDDED_DATABASE, "The embedded PostgreSQL in " + dataDirectory + " is already running in"
                + " another process" + (port.isPresent() ? " (on port " + port.getAsInt() + ")" : "")
                + "; stop that process first, or use another data directory.");
        this.dataDirectory = dataDirectory;
        this.port = port.orElse(-1);
    }

    /** The data directory in use. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The port the running server listens on (loopback only); empty while it is still starting. */
    public OptionalInt port() {
        return port < 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }
}
