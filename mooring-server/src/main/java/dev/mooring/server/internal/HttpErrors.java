package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ErrorResponse;
import io.javalin.http.HttpResponseException;

import java.util.stream.Collectors;

/**
 * Turns whatever a request handler threw into a status and an {@link ErrorResponse} that names the problem and the
 * fix, without internals: class names, SQL and stack traces stay in the server log. Stateless.
 */
public final class HttpErrors {
    private static final System.Logger LOG = System.getLogger(HttpErrors.class.getName());

    /** A request without a valid bearer token: 401 with {@code WWW-Authenticate: Bearer}. */
    public static final class Unauthorized extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unauthorized(String message) {
            super(message, null, false, false);
        }
    }

    /** A status and its body. */
    public record Failure(int status, ErrorResponse body) {
    }

    private HttpErrors() {
    }

    public static Failure describe(Exception e) {
        if (e instanceof Unauthorized) {
            return new Failure(401, new ErrorResponse("unauthorized", e.getMessage()));
        }
        if (e instanceof HttpResponseException) {
            HttpResponseException h = (HttpResponseException) e;
            return new Failure(h.getStatus(), forStatus(h.getStatus(), h.getMessage()));
        }
        if (e instanceof JsonProcessingException) {
            return new Failure(400, new ErrorResponse("bad_request", json((JsonProcessingException) e)));
        }
        if (e instanceof MooringException) {
            MooringException m = (MooringException) e;
            switch (m.code()) {
                case USAGE:
                case CONFIGURATION:
                    return new Failure(400, new ErrorResponse("bad_request", m.getMessage()));
                case AUTHENTICATION:
                    return new Failure(403, new ErrorResponse("forbidden", m.getMessage()));
                case SYNC_UNAVAILABLE:
                    return new Failure(503, new ErrorResponse("unavailable", m.getMessage()));
                case CURSOR_EXPIRED:
                    return new Failure(410, new ErrorResponse("cursor_expired", m.getMessage()));
                case DATABASE:
                    // a deadlock, a time-out, a lost connection: the request was rolled back whole and may be retried
                    LOG.log(System.Logger.Level.WARNING, "sync request failed in the database; the client may retry", e);
                    return new Failure(503, new ErrorResponse("unavailable", "the database could not complete this"
                            + " request; nothing was applied. Retry it."));
                default:
                    break;
            }
        }
        LOG.log(System.Logger.Level.ERROR, "sync request failed", e);
        return new Failure(500, new ErrorResponse("internal_error", "the server could not handle this request; it"
                + " has been logged. Retry later."));
    }

    /**
     * The body for an HTTP status the web server chose (an oversized body, a path it refuses): the status's code
     * ({@code bad_request}, {@code not_found}, {@code too_large}, else {@code http_<status>}) and {@code message}.
     */
    public static ErrorResponse forStatus(int status, String message) {
        switch (status) {
            case 400:
                return new ErrorResponse("bad_request", message);
            case 401:
                return new ErrorResponse("unauthorized", message);
            case 404:
                return new ErrorResponse("not_found", message);
            case 413:
                return new ErrorResponse("too_large", "the request body is larger than this server accepts; send"
                        + " fewer changes per batch");
            default:
                return new ErrorResponse("http_" + status, message);
        }
    }

    private static String json(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException) {
            UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
            return "unknown field '" + u.getPropertyName() + "'" + at(u) + "; known fields: "
                    + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return "invalid value" + at((JsonMappingException) e) + ": " + e.getCause().getMessage();
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            return "wrong type or missing value" + at((JsonMappingException) e) + ": " + firstSentence(e.getOriginalMessage());
        }
        if (e instanceof JsonMappingException && e.getCause() != null) {
            return "invalid value" + at((JsonMappingException) e) + ": " + e.getCause().getMessage();
        }
        return "malformed JSON: " + firstSentence(e.getOriginalMessage());
    }

    private static String at(JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? "." + r.getFieldName()
                : "[" + r.getIndex() + "]").collect(Collectors.joining());
        return path.isEmpty() ? "" : " at " + path.substring(path.startsWith(".") ? 1 : 0);
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.lines().findFirst().orElse(message);
        // Jackson names Java types in parentheses; clients need the field, not the class
        return line.replaceAll("\\s*\\(?(class|type) `?[a-z]+(\\.[A-Za-z0-9_$]+)+`?\\)?", "");
    }
}
