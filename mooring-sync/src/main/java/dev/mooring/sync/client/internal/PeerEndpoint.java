package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.sync.ErrorResponse;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExchangeFile;
import dev.mooring.sync.PeerExportRequest;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.SyncJson;
import dev.mooring.sync.client.PeerImportResult;
import dev.mooring.sync.client.PeerRequestServed;
import dev.mooring.sync.client.SyncClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The routes of the LAN peer endpoint, served for one {@link SyncClient}; every one is {@code POST} with
 * {@code Authorization: Bearer <token>} (401 without it, before anything is read):
 * <ul>
 *   <li>{@code /peer/v1/handshake}: the caller's {@link PeerInfo} (JSON) in, this device's out; 403
 *       {@code peer_refused} for another user's device, a device whose user is not known, or info that does not
 *       fit ({@link PeerHandshake});</li>
 *   <li>{@code /peer/v1/import}: the caller's changes as a {@link PeerExchangeFile} in (checked whole before
 *       anything is imported: 400 {@code peer_exchange_corrupt}), the {@link PeerImportResult} (JSON) out;</li>
 *   <li>{@code /peer/v1/export}: a {@link PeerExportRequest} (JSON) in, this device's changes as a
 *       {@link PeerExchangeFile} out.</li>
 * </ul>
 * Every failure is an {@link ErrorResponse} whose message names the problem and the fix; a refused or bad request
 * changes nothing. Bodies are bounded: {@value #JSON_LIMIT} bytes of JSON, one exchange file
 * ({@link PeerExchangeFile#MAX_BODY_BYTES} and its header) for an import (413 beyond).
 *
 * <p>Thread-safe. Imports and exports run one at a time ({@link SyncClient} serializes them with its own lock, and
 * SQLite's write lock serializes them with other processes using the file); a permit taken before a body is read
 * keeps more than one exchange file from being held in memory at once. A request that waits for it longer than the
 * wait given gets 503 {@code busy} with {@code Retry-After}.
 */
public final class PeerEndpoint implements HttpHandler {
    /** The routes' common prefix; the version is the protocol's. */
    public static final String PREFIX = "/peer/v1/";
    private static final Set<String> ROUTES = Set.of("handshake", "import", "export");
    /** The most a handshake or export request may hold: a {@link PeerInfo} of many tables fits many times over. */
    public static final int JSON_LIMIT = 1024 * 1024;
    private static final long EXCHANGE_LIMIT = PeerExchangeFile.MAX_BODY_BYTES + 128L;

    private final SyncClient client;
    private final PeerToken token;
    private final Duration wait;
    private final Semaphore exchanging = new Semaphore(1, true);
    private final ObjectMapper json = SyncJson.mapper();
    private final Consumer<PeerRequestServed> served;

    /**
     * @param wait   how long a request waits for the exchange running before it; then 503
     * @param served hears every request once it is answered
     */
    public PeerEndpoint(SyncClient client, PeerToken token, Duration wait, Consumer<PeerRequestServed> served) {
        this.client = client;
        this.token = token;
        this.wait = wait;
        this.served = served;
    }

    /** What a request that succeeded did: the calling node and a line saying what moved. */
    private record Done(String peerNode, String outcome) {
    }

    @Override
    public void handle(HttpExchange http) throws IOException {
        String path = http.getRequestURI().getRawPath();
        String route = path.startsWith(PREFIX) && ROUTES.contains(path.substring(PREFIX.length()))
                ? path.substring(PREFIX.length()) : path;
        int status;
        Done done;
        try (http) {
            try {
                done = route(http, route);
                status = 200;
            } catch (Refusal r) {
                status = send(http, r.status, r.body);
                done = new Done(null, r.body.message());
            } catch (MooringException e) {
                Refusal r = refusal(e);
                status = send(http, r.status, r.body);
                done = new Done(null, r.body.message());
            } catch (RuntimeException e) {
                ErrorResponse error = new ErrorResponse("internal_error", "the peer could not handle this request ("
                        + e.getClass().getSimpleName() + "); nothing was imported. This is a bug in Mooring.");
                status = send(http, 500, error);
                done = new Done(null, error.message());
            }
        }
        try {
            served.accept(new PeerRequestServed(Instant.now(), address(http), route, status, done.peerNode(),
                    Redaction.redact(done.outcome())));
        } catch (RuntimeException e) {
            // a listener's failure is not the caller's: the answer has gone
        }
    }

    private Done route(HttpExchange http, String route) throws IOException {
        String path = http.getRequestURI().getRawPath();
        if (!ROUTES.contains(route)) {
            throw new Refusal(404, "not_found", "there is no " + path + " here; the peer endpoint serves POST "
                    + PREFIX + "handshake, import and export");
        }
        if (!"POST".equals(http.getRequestMethod())) {
            http.getResponseHeaders().set("Allow", "POST");
            throw new Refusal(405, "method_not_allowed", PREFIX + route + " takes POST only");
        }
        // before anything of the request is read: a caller without the token learns nothing and costs nothing
        if (!token.accepts(http.getRequestHeaders().getFirst("Authorization"))) {
            http.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"mooring-peer\"");
            throw new Refusal(401, "unauthorized", "this peer needs the bearer token it was started with"
                    + " (Authorization: Bearer <token>); the token sent is missing or wrong");
        }
        return switch (route) {
            case "handshake" -> handshake(http);
            case "import" -> {
                refuseLonger(http, EXCHANGE_LIMIT); // before waiting for the exchange before it
                yield exclusively(() -> importChanges(http));
            }
            default -> exclusively(() -> export(http));
        };
    }

    private Done handshake(HttpExchange http) throws IOException {
        PeerInfo them = readJson(http, PeerInfo.class);
        PeerInfo me = client.peerInfo();
        PeerHandshake.check(me, them);
        sendJson(http, me);
        return new Done(them.nodeId(), "handshake: same user, compatible schemas");
    }

    private Done importChanges(HttpExchange http) throws IOException {
        // PeerExchangeFile reads at most one file's worth, and all of it before anything is trusted
        PeerChanges changes = PeerExchangeFile.read(http.getRequestBody(), "from " + caller(http));
        PeerHandshake.check(client.peerInfo(), changes.from());
        PeerImportResult result = client.importChanges(changes);
        sendJson(http, result);
        return new Done(result.fromNode(), "imported " + changes.changes().size() + " change(s) and "
                + changes.rows().size() + " row(s): " + result.relaysKept() + " kept to relay, "
                + result.rowsWritten() + " row(s) written, " + result.alreadyKnown() + " already known"
                + (result.keptForLater() > 0 ? ", " + result.keptForLater() + " kept for a later schema" : ""));
    }

    private Done export(HttpExchange http) throws IOException {
        PeerExportRequest request = readJson(http, PeerExportRequest.class);
        PeerHandshake.check(client.peerInfo(), request.from());
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        PeerChanges sent = client.exportChanges(request.since(), file);
        http.getResponseHeaders().set("Content-Type", "application/octet-stream");
        http.getResponseHeaders().set("Cache-Control", "no-store");
        http.sendResponseHeaders(200, file.size());
        try (OutputStream out = http.getResponseBody()) {
            file.writeTo(out);
        }
        return new Done(request.from().nodeId(), "sent " + sent.changes().size() + " change(s) and "
                + sent.rows().size() + " row(s), " + file.size() + " bytes");
    }

    private interface Work {
        Done run() throws IOException;
    }

    private Done exclusively(Work work) throws IOException {
        boolean acquired;
        try {
            acquired = exchanging.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
        if (!acquired) {
            throw busy();
        }
        try {
            return work.run();
        } finally {
            exchanging.release();
        }
    }

    private <T> T readJson(HttpExchange http, Class<T> type) throws IOException {
        refuseLonger(http, JSON_LIMIT);
        byte[] body;
        try (InputStream in = http.getRequestBody()) {
            body = in.readNBytes(JSON_LIMIT + 1);
        }
        if (body.length > JSON_LIMIT) {
            throw tooLarge(body.length, JSON_LIMIT);
        }
        try {
            T value = json.readValue(body, type);
            if (value == null) { // Jackson's answer to a JSON null: no route takes one
                throw new Refusal(400, "bad_request", "the body is not a " + type.getSimpleName() + " as JSON: it is"
                        + " null, and a JSON object is needed; nothing was changed");
            }
            return value;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new Refusal(400, "bad_request", "the body is not a " + type.getSimpleName() + " as JSON: "
                    + String.valueOf(reason).lines().findFirst().orElse("") + "; nothing was changed");
        }
    }

    /** Refuses a request whose announced body is longer than {@code limit}, before reading any of it. */
    private static void refuseLonger(HttpExchange http, long limit) {
        String value = http.getRequestHeaders().getFirst("Content-Length");
        long length;
        try {
            length = value == null ? -1 : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new Refusal(400, "bad_request", "Content-Length '" + value + "' is not a number");
        }
        if (length > limit) {
            throw tooLarge(length, limit);
        }
    }

    private static Refusal tooLarge(long length, long limit) {
        return new Refusal(413, "payload_too_large", "the body is " + length + " bytes or more, more than the "
                + limit + " this route takes; nothing was changed. Export with --since, or sync with the server"
                + " first, to send less");
    }

    private static Refusal busy() {
        return new Refusal(503, "busy", "another peer exchange with this device is running; try again shortly");
    }

    private static Refusal refusal(MooringException e) {
        String message = e.getMessage();
        return switch (e.code()) {
            case PEER_REFUSED -> new Refusal(403, "peer_refused", message);
            case PEER_EXCHANGE_CORRUPT -> new Refusal(400, "peer_exchange_corrupt", message);
            case USAGE, CONFIGURATION -> new Refusal(400, "bad_request", message);
            case IO -> new Refusal(400, "bad_request", "the request could not be read whole (" + message
                    + "); nothing was imported");
            default -> new Refusal(500, "internal_error", "the peer could not complete this: " + message);
        };
    }

    private static String caller(HttpExchange http) {
        return "peer " + address(http);
    }

    private static String address(HttpExchange http) {
        String host = http.getRemoteAddress().getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getRemoteAddress().getPort();
    }

    private void sendJson(HttpExchange http, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        http.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        http.getResponseHeaders().set("Cache-Control", "no-store");
        http.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Sends an error answer; returns its status. */
    private int send(HttpExchange http, int status, ErrorResponse error) throws IOException {
        byte[] bytes = json.writeValueAsBytes(new ErrorResponse(error.error(), Redaction.redact(error.message())));
        http.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (status == 503) {
            http.getResponseHeaders().set("Retry-After", "5");
        }
        if (status == 413 || status == 401) {
            // the body was not read: the connection cannot carry another request
            http.getResponseHeaders().set("Connection", "close");
        }
        http.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = http.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /** A request refused with a status and an error body. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient ErrorResponse body;

        Refusal(int status, String error, String message) {
            super(message, null, false, false);
            this.status = status;
            this.body = new ErrorResponse(error, message);
        }
    }
}
