package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A bearer token given as {@code -}: read from the first line of standard input, which keeps it out of the process
 * list and the shell history.
 */
final class TokenInput {
    private TokenInput() {
    }

    /**
     * The first line of {@code in}, trimmed.
     *
     * @param purpose what the token is for, for the message when there is none ("to revoke")
     * @throws MooringException {@code USAGE} when the input holds no token
     */
    static String read(InputStream in, String purpose) {
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read the token from standard input: " + e.getMessage(), e);
        }
        if (line == null || line.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "standard input held no token " + purpose + ".");
        }
        return line.trim();
    }
}
