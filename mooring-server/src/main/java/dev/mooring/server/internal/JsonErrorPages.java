package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.ErrorResponse;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * The answer to a request Jetty refuses before any route sees it: a path with {@code %00}, an encoded {@code /} or
 * bad percent-encoding, a malformed request line. Jetty's own page is HTML; this one is the protocol's
 * {@link ErrorResponse} as JSON, like every other error of the server, so a client can read why. Installed as the
 * Jetty server's error handler. Thread-safe.
 */
public final class JsonErrorPages extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    private final ObjectMapper json;

    public JsonErrorPages(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(JSON);
        response.write(true, body(code, message), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return body(status, reason);
    }

    private ByteBuffer body(int status, String reason) {
        try {
            return ByteBuffer.wrap(json.writeValueAsBytes(HttpErrors.forStatus(status, status < 500
                    ? "the request was refused before it reached the API (" + (reason == null ? "HTTP " + status
                    : reason) + "): check the path, its percent-encoding (no %00, no encoded /) and the headers"
                    : "the server could not handle this request. Retry later.")));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
