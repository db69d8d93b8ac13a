package dev.mooring.core;

import java.util.Objects;

/**
 * The root of every exception Mooring throws. Unchecked; carries an {@link ErrorCode}. Messages are API:
 * they name the problem and, where there is one, the fix. Messages never contain passwords: they pass
 * through {@link Redaction} before they are stored.
 */
public class MooringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public MooringException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public MooringException(ErrorCode code, String message, Throwable cause) {
        super(Redaction.redact(Objects.requireNonNull(message, "message")), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
