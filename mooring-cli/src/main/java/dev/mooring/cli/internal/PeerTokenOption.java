package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * {@code --token} of {@code peer serve} and {@code peer sync}: the secret both devices share, from {@code --token},
 * standard input ({@code --token -}) or {@code $MOORING_PEER_TOKEN} (not {@code $MOORING_TOKEN}: that one is for the
 * sync server). Registered with {@link Redaction} as soon as it is read, so nothing prints it.
 */
final class PeerTokenOption {
    @Option(names = "--token", paramLabel = "TOKEN", description = "The secret both devices share (at least 16"
            + " characters, e.g. from openssl rand -hex 16); - reads it from standard input. Default:"
            + " $MOORING_PEER_TOKEN. A token on the command line is visible to other users (ps); prefer - or the"
            + " variable.")
    String token;

    String token(Map<String, String> env) {
        String value = token != null ? token : env.get("MOORING_PEER_TOKEN");
        if (value == null || value.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "no peer token: pass --token - (reads it from standard input),"
                    + " set $MOORING_PEER_TOKEN, or pass --token <token>; both devices use the same one.");
        }
        value = "-".equals(value.trim()) ? TokenInput.read(System.in, "for the peer exchange") : value.trim();
        Redaction.register(value);
        return value;
    }
}
