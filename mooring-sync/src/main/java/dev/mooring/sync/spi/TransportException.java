package dev.mooring.sync.spi;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * A call of a {@link SyncTransport} that failed. {@link #retryable()} tells a transient failure (server down,
 * time-out, 5xx, a dropped connection: try again later) from a refusal (4xx: trying again changes nothing).
 */
public class TransportException extends MooringException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;
    private final int status;

    /**
     * @param code      the kind of failure ({@code SYNC_UNAVAILABLE} for transient ones)
     * @param message   what failed, naming the server, and the fix where there is one
     * @param status    the HTTP status, or 0 when there was no response
     * @param retryable whether the same call may succeed later
     * @param cause     the underlying exception, or {@code null}
     */
    public TransportException(ErrorCode code, String message, int status, boolean retryable, Throwable cause) {
        super(code, message, cause);
        this.status = status;
        this.retryable = retryable;
    }

    /** Whether trying the same call again later may succeed. */
    public boolean retryable() {
        return retryable;
    }

    /** The HTTP status of the answer, or 0 when there was none (refused connection, time-out). */
    public int status() {
        return status;
    }
}
