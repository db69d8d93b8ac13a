package dev.mooring.sync;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The body of a failed protocol request. Immutable.
 *
 * @param error   a short machine code in lower case with underscores, e.g. {@code bad_request}
 * @param message a sentence that names the problem and the fix
 */
public record ErrorResponse(String error, String message) {
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

    /** Checks the fields. */
    public ErrorResponse {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(message, "message");
        if (!CODE.matcher(error).matches()) {
            throw new IllegalArgumentException("error must be a code of lower-case letters, digits and underscores"
                    + " such as bad_request, but was '" + error + "'.");
        }
    }
}
