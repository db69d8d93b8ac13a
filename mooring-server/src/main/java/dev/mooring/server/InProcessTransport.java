package dev.mooring.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.server.internal.HttpErrors;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.SyncJson;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link SyncTransport} that calls a {@link SyncService} in the same JVM, as one user the caller has already
 * authenticated: a sync client and its server in one process, without HTTP (tests, demos, a desktop app that embeds
 * its server).
 *
 * <pre>{@code
 * SyncTransport transport = InProcessTransport.create(SyncService.create(dataSource, config), "alice");
 * PullResponse page = transport.pull("phone-1", null, 500);
 * }</pre>
 *
 * <p>It behaves as the HTTP server and {@code HttpTransport} together do: every request and every answer makes the
 * JSON round trip through {@link SyncJson#mapper()}, so a value that would not survive the wire fails here too, and
 * a failure of the service becomes the {@link TransportException} an HTTP client gets for the status the server
 * would answer — {@code CURSOR_EXPIRED} (410) and {@code AUTHENTICATION} (403) and {@code USAGE} (400, for bad
 * arguments and configuration) are not retryable; database trouble (503) and anything unexpected (500) are
 * retryable {@code SYNC_UNAVAILABLE}. Unlike {@link SyncServer} it records no sessions.
 *
 * <p>Thread-safe, as {@link SyncService} is. {@link #close()} does nothing: the service belongs to the caller.
 */
public final class InProcessTransport implements SyncTransport {
    private final SyncService service;
    private final String userId;
    private final String serverSchemaVersion;
    private final String minimumClientVersion;
    private final LiveChanges live;
    private final ObjectMapper json = SyncJson.mapper();

    private InProcessTransport(SyncService service, String userId, String serverSchemaVersion,
                               String minimumClientVersion, LiveChanges live) {
        this.service = service;
        this.live = live;
        this.userId = userId;
        this.serverSchemaVersion = serverSchemaVersion;
        this.minimumClientVersion = minimumClientVersion;
    }

    /** A transport for {@code userId} whose handshakes accept every client schema version and name no server version. */
    public static InProcessTransport create(SyncService service, String userId) {
        return create(service, userId, null, null);
    }

    /**
     * A transport for {@code userId}, whose handshakes answer as a server started with these versions would.
     *
     * @param serverSchemaVersion  the schema version reported to clients; {@code null} when not known
     * @param minimumClientVersion the oldest client schema version accepted; {@code null} accepts every version
     * @throws MooringException {@code USAGE} for a blank user, a minimum version that is not a migration version
     */
    public static InProcessTransport create(SyncService service, String userId, String serverSchemaVersion,
                                            String minimumClientVersion) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(userId, "userId");
        if (userId.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "The user of an in-process transport must not be blank; pass"
                    + " the id of the user its calls act for.");
        }
        if (minimumClientVersion != null) {
            try {
                MigrationVersion.parse(minimumClientVersion);
            } catch (IllegalArgumentException e) {
                throw new MooringException(ErrorCode.USAGE, "The minimum client version " + e.getMessage(), e);
            }
        }
        return new InProcessTransport(service, userId, serverSchemaVersion, minimumClientVersion, null);
    }

    /**
     * This transport, with live sync's waits answered by {@code live} (started on the service's database); without
     * it a wait simply runs out and says there may be changes, as {@link SyncTransport#awaitChanges} does by default.
     */
    public InProcessTransport withLive(LiveChanges live) {
        return new InProcessTransport(service, userId, serverSchemaVersion, minimumClientVersion,
                Objects.requireNonNull(live, "live"));
    }

    @Override
    public CompletableFuture<Boolean> awaitChanges(String nodeId, String cursor, Duration wait) {
        Objects.requireNonNull(nodeId, "nodeId");
        if (live == null) {
            return SyncTransport.super.awaitChanges(nodeId, cursor, wait);
        }
        String route = "GET /v1/changes/wait";
        try {
            return call(route, () -> live.await(userId, cursor, wait)).exceptionally(failure -> {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                return call(route, () -> {
                    throw cause instanceof RuntimeException e ? e : new IllegalStateException(cause);
                });
            });
        } catch (TransportException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public HandshakeResponse handshake(Handshake handshake) {
        Objects.requireNonNull(handshake, "handshake");
        String route = "POST /v1/handshake";
        Handshake sent = request(route, handshake, Handshake.class);
        HandshakeResponse answer = call(route, () -> service.handshake(userId, sent, serverSchemaVersion,
                minimumClientVersion));
        return response(route, answer, HandshakeResponse.class);
    }

    @Override
    public PullResponse pull(String nodeId, String cursor, int limit) {
        Objects.requireNonNull(nodeId, "nodeId");
        String route = "GET /v1/changes";
        return response(route, call(route, () -> service.pull(userId, nodeId, cursor, limit)), PullResponse.class);
    }

    @Override
    public PushResponse push(PushRequest request) {
        Objects.requireNonNull(request, "request");
        String route = "POST /v1/changes";
        PushRequest sent = request(route, request, PushRequest.class);
        return response(route, call(route, () -> service.push(userId, sent)), PushResponse.class);
    }

    /** The user every call acts for. */
    public String userId() {
        return userId;
    }

    @Override
    public String toString() {
        return "InProcessTransport[user " + userId + "]";
    }

    /** Runs a service call and turns its failure into what an HTTP client would get for the server's answer. */
    private <T> T call(String route, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            // the server's own mapping from failure to status and message: one source for both transports
            HttpErrors.Failure failure = HttpErrors.describe(e);
            int status = failure.status();
            ErrorCode code = switch (status) {
                case 401, 403 -> ErrorCode.AUTHENTICATION;
                case 410 -> ErrorCode.CURSOR_EXPIRED;
                case 500, 503 -> ErrorCode.SYNC_UNAVAILABLE;
                default -> ErrorCode.USAGE;
            };
            boolean retryable = status >= 500;
            String message = failure.body().message().strip();
            if (retryable) {
                message = (message.endsWith(".") ? message.substring(0, message.length() - 1) : message)
                        + "; a later attempt may succeed.";
            }
            throw new TransportException(code, "The in-process sync service refused " + route + " (" + status + "): "
                    + message, status, retryable, e);
        }
    }

    /** The request as the server would read it off the wire. */
    private <T> T request(String route, T message, Class<T> type) {
        try {
            return json.readValue(json.writeValueAsBytes(message), type);
        } catch (IOException e) {
            throw new TransportException(ErrorCode.USAGE, "The request of " + route + " does not survive the JSON"
                    + " round trip (" + e.getMessage() + "); every value must be plain JSON.", 400, false, e);
        }
    }

    /** The answer as a client would read it off the wire. */
    private <T> T response(String route, T message, Class<T> type) {
        try {
            return json.readValue(json.writeValueAsBytes(message), type);
        } catch (IOException e) {
            throw new TransportException(ErrorCode.INTERNAL, "The answer to " + route + " does not survive the JSON"
                    + " round trip (" + e.getMessage() + "); this is a bug in the sync service.", 200, false, e);
        }
    }
}
