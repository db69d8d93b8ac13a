package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * The options of the client commands that call a sync server: {@code --server} and {@code --token}. The token comes
 * from {@code --token}, standard input ({@code --token -}) or {@code $MOORING_TOKEN}, and is printed nowhere: it is
 * registered with {@link Redaction} as soon as it is read, so even a message that echoes it shows {@code ***}.
 */
public final class SyncServerOptions {
    @Option(names = "--server", paramLabel = "URL", description = "The sync server's base URL, e.g."
            + " http://localhost:8630 (a trailing /v1 is fine). Default: $MOORING_SERVER.")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The bearer token from mooring token create; - reads"
            + " it from standard input. Default: $MOORING_TOKEN. A token on the command line is visible to other users"
            + " (ps); prefer - or the variable.")
    String token;

    /**
     * The token, read from standard input for {@code -}.
     *
     * @param purpose what it is for, for the message when standard input holds none ("to sync with")
     */
    String token(Map<String, String> env, String purpose) {
        String value = token != null ? token : env.get("MOORING_TOKEN");
        if (value == null || value.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "no sync token: pass --token - (reads it from standard input),"
                    + " set $MOORING_TOKEN, or pass --token <token>. Create one with mooring token create --user <id>.");
        }
        value = "-".equals(value.trim()) ? TokenInput.read(System.in, purpose) : value.trim();
        Redaction.register(value);
        return value;
    }

    /** The server's base URL, without a trailing {@code /v1} (the transport adds it). */
    URI serverUrl(Map<String, String> env) {
        String value = server != null ? server : env.get("MOORING_SERVER");
        if (value == null || value.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "name the sync server: --server http://host:8630, or set"
                    + " $MOORING_SERVER.");
        }
        String base = value.trim();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        // mooring server prints its API's URL, which ends in /v1; the transport adds that itself
        if (base.endsWith("/v1")) {
            base = base.substring(0, base.length() - 3);
        }
        try {
            return new URI(base);
        } catch (URISyntaxException e) {
            throw new MooringException(ErrorCode.USAGE, "--server '" + value + "' is not a URL: " + e.getReason() + ".");
        }
    }
}
