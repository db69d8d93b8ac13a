package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mooring.core.ErrorCode;
import dev.mooring.sync.spi.TransportException;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Turns what went wrong in one HTTP call to a sync server into a {@link TransportException} whose message names the
 * server and the route, says whether a later attempt may succeed, and gives the fix where there is one. Transient
 * trouble (no connection, time-outs, 5xx, 408, 429) is retryable; a refusal (other 4xx) is not. Messages never
 * contain the bearer token: nothing here is given it. Immutable; thread-safe.
 */
public final class HttpFailures {
    private final String server;
    private final Duration requestTimeout;
    private final Duration connectTimeout;

    /**
     * @param server         the server URL as it should appear in messages
     * @param requestTimeout how long a call may take, for time-out messages
     * @param connectTimeout how long connecting may take, for time-out messages
     */
    public HttpFailures(String server, Duration requestTimeout, Duration connectTimeout) {
        this.server = server;
        this.requestTimeout = requestTimeout;
        this.connectTimeout = connectTimeout;
    }

    /** No answer: the connection failed, dropped, or the call ran out of time ({@code timedOut}). */
    public TransportException unreachable(String route, Exception e, boolean timedOut) {
        return new TransportException(ErrorCode.SYNC_UNAVAILABLE, "Could not reach the sync server at " + server
                + " (" + route + "): " + reason(e, timedOut) + "; a later attempt may succeed.", 0, true, e);
    }

    /** The calling thread was interrupted; its interrupt flag is set again by the caller. Not retryable. */
    public TransportException interrupted(String route, Exception e) {
        return new TransportException(ErrorCode.SYNC_UNAVAILABLE, "Interrupted while calling the sync server at "
                + server + " (" + route + "); the call may or may not have reached it. It is not retried.",
                0, false, e);
    }

    /**
     * The server answered with a status other than 2xx.
     *
     * @param serverMessage the message of the server's {@code ErrorResponse}, or {@code null} when the body was not one
     * @param location      the {@code Location} header of a redirect, or {@code null}
     */
    public TransportException refused(String route, int status, String serverMessage, String location) {
        String at = " (" + status + " on " + route + ")";
        String said = serverMessage == null || serverMessage.isBlank() ? "" : ": " + sentence(serverMessage);
        if (status == 401) {
            return new TransportException(ErrorCode.AUTHENTICATION, "The sync server at " + server
                    + " refused the bearer token" + at + ": the token is missing, invalid or was revoked. Create one"
                    + " with `mooring token create` and configure the client with it.", status, false, null);
        }
        if (status == 403) {
            return new TransportException(ErrorCode.AUTHENTICATION, "The sync server at " + server + " refused this"
                    + " token's user" + at + orElse(said, ": the user may not do this") + ".", status, false, null);
        }
        if (status == 410) {
            return new TransportException(ErrorCode.CURSOR_EXPIRED, "The sync server at " + server + " no longer"
                    + " keeps the changes after this cursor" + at + orElse(said, ": pull again without a cursor to"
                    + " bootstrap") + ".", status, false, null);
        }
        if (status == 413) {
            return new TransportException(ErrorCode.USAGE, "The batch is too large for the sync server at " + server
                    + at + "; lower the push batch size.", status, false, null);
        }
        if (status == 408 || status == 429 || status >= 500 && status <= 599) {
            return new TransportException(ErrorCode.SYNC_UNAVAILABLE, "The sync server at " + server + " could not"
                    + " answer" + at + orElse(said, ": it gave no reason") + "; a later attempt may succeed.", status, true, null);
        }
        if (status >= 300 && status <= 399) {
            return new TransportException(ErrorCode.CONFIGURATION, "The sync server URL " + server + " redirects"
                    + at + (location == null ? "" : " to " + location) + "; configure the URL it redirects to.",
                    status, false, null);
        }
        if (status == 404) {
            return new TransportException(ErrorCode.USAGE, "The sync server at " + server + " has no " + route
                    + " (404)" + said + "; check the server URL, including any path prefix.", status, false, null);
        }
        if (status >= 400 && status <= 499) {
            return new TransportException(ErrorCode.USAGE, "The sync server at " + server + " refused the request"
                    + at + orElse(said, ": it gave no reason") + ".", status, false, null);
        }
        return new TransportException(ErrorCode.INTERNAL, "The sync server at " + server + " answered with an"
                + " unexpected status" + at + said + ".", status, false, null);
    }

    /** A 2xx whose body is not the JSON the route answers with. Not retryable: asking again gets the same. */
    public TransportException unreadable(String route, int status, Exception e) {
        String detail = e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
        return new TransportException(ErrorCode.INTERNAL, "The sync server at " + server + " answered " + route
                + " with a body this client cannot read (" + firstLine(detail) + "); the server and the client may"
                + " speak different protocol versions.", status, false, e);
    }

    /** A request body that cannot be written as JSON (a value no JSON can carry). */
    public TransportException unwritable(String route, Exception e) {
        return new TransportException(ErrorCode.USAGE, "Could not write the body of " + route + " as JSON ("
                + firstLine(e.getMessage()) + "); every value must be plain JSON.", 0, false, e);
    }

    /** A call after {@code close()}. */
    public TransportException closed(String route) {
        return new TransportException(ErrorCode.USAGE, "This transport to " + server + " is closed (" + route
                + "); create a new one.", 0, false, null);
    }

    private String reason(Throwable e, boolean timedOut) {
        if (e instanceof HttpConnectTimeoutException) {
            return "no connection within " + format(connectTimeout);
        }
        if (timedOut || e instanceof HttpTimeoutException) {
            return "no answer within " + format(requestTimeout);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "the host name does not resolve";
            }
            if (t instanceof SSLException) {
                return "TLS failed: " + firstLine(t.getMessage());
            }
        }
        String message = firstMessage(e);
        if (message != null) {
            return message;
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    private static String firstMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return firstLine(t.getMessage());
            }
        }
        return null;
    }

    /** The server's message without its closing period, to go on inside a sentence of this one. */
    private static String sentence(String message) {
        String trimmed = firstLine(message);
        return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private static String orElse(String said, String fallback) {
        return said.isEmpty() ? fallback : said;
    }

    private static String firstLine(String text) {
        return text == null ? "no detail" : text.lines().findFirst().orElse(text).trim();
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
