package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.Resolution;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** What the sync server reads from requests: JSON object bodies (gzip or not), whole-number parameters, resolutions. */
public final class Requests {
    private Requests() {
    }

    /**
     * The body as {@code type}. Every route takes a JSON object: {@code null}, an array, a string or a number is
     * refused here with 400 (Jackson maps a JSON {@code null} to a null value, which no handler expects).
     */
    public static <T> T read(ObjectMapper json, Context ctx, Class<T> type, long maxRequestBytes) throws IOException {
        T value = json.readValue(body(ctx, maxRequestBytes), type);
        if (value == null || value instanceof JsonNode node && !node.isObject()) {
            throw new MooringException(ErrorCode.USAGE, "the request body must be a JSON object, not "
                    + (value == null ? "null" : ((JsonNode) value).getNodeType()
                    .name().toLowerCase(java.util.Locale.ROOT)) + "; see the API's routes for its fields");
        }
        return value;
    }

    /**
     * The request body, inflated when it came with {@code Content-Encoding: gzip}. Javalin limits what is read off
     * the wire; the inflated body gets the same limit, so a small body that inflates without end is refused too.
     */
    private static byte[] body(Context ctx, long maxRequestBytes) throws IOException {
        byte[] wire = ctx.bodyAsBytes();
        String encoding = ctx.header("Content-Encoding");
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            return wire;
        }
        if (!encoding.trim().equalsIgnoreCase("gzip")) {
            throw new HttpResponseException(415, "Content-Encoding '" + encoding + "' is not supported; send the body"
                    + " uncompressed or with Content-Encoding: gzip");
        }
        int limit = (int) Math.min(maxRequestBytes, Integer.MAX_VALUE - 16);
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire))) {
            byte[] inflated = in.readNBytes(limit + 1);
            if (inflated.length > limit) {
                throw new HttpResponseException(413, "the inflated request body is larger than " + limit + " bytes");
            }
            return inflated;
        } catch (ZipException | EOFException e) {
            throw new MooringException(ErrorCode.USAGE, "the request body is marked Content-Encoding: gzip but is not"
                    + " complete gzip data (" + e.getMessage() + "); compress the whole body or drop the header");
        }
    }

    public static int intParam(Context ctx, String name, int fallback) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new MooringException(ErrorCode.USAGE, name + " must be a whole number, was '" + text + "'");
        }
    }

    /** {@code {"choice": "server" | "client" | "merged", "values": {…}}}: values only with merged. */
    public static Resolution resolution(JsonNode body) {
        String choice = body == null ? null : body.path("choice").asText(null);
        if (choice == null) {
            throw new MooringException(ErrorCode.USAGE, "send {\"choice\": \"server\" | \"client\" | \"merged\"},"
                    + " with \"values\": {…} for merged");
        }
        switch (choice) {
            case "server":
                return Resolution.server();
            case "client":
                return Resolution.client();
            case "merged":
                java.util.Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
                body.path("values").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
                return Resolution.merged(values);
            default:
                throw new MooringException(ErrorCode.USAGE, "choice must be server, client or merged, was '" + choice + "'");
        }
    }
}
