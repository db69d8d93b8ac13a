package dev.mooring.sync.spi;

import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a sync client talks to its server: the three calls of the protocol, and live sync's wait. Mooring ships an HTTP transport
 * ({@code dev.mooring.sync.client.HttpTransport}) and the server module an in-process one for tests; anything that
 * carries these messages (a message queue, a Bluetooth link to a peer) can be another.
 *
 * <p>Failures are {@link TransportException}s: {@link TransportException#retryable()} says whether trying the same
 * call again later may succeed (the server is down, timed out or answered 5xx) or not (the request was refused:
 * 4xx). A call that failed in a retryable way may or may not have reached the server; the protocol makes a repeat
 * harmless (pushes carry sequence numbers, pulls carry cursors). A sync makes one call at a time, but not always
 * from the thread that called {@code sync}: the next pull page is fetched on a helper thread while the current one
 * is written. Implementations must therefore be safe for use by one thread at a time, from any thread.
 */
public interface SyncTransport extends AutoCloseable {
    /** Introduces the client and asks whether the server accepts its schema version. */
    HandshakeResponse handshake(Handshake handshake);

    /**
     * The next page of changes after {@code cursor}.
     *
     * @param nodeId the pulling node
     * @param cursor the cursor of the last page applied, or {@code null} for a fresh client (a bootstrap)
     * @param limit  the most changes to return, 1 to 10,000
     * @throws TransportException with code {@code CURSOR_EXPIRED} when the server no longer keeps the history after
     *                            the cursor: the client must bootstrap again
     */
    PullResponse pull(String nodeId, String cursor, int limit);

    /** Sends a batch of one node's changes; the response has one result per change, in order. */
    PushResponse push(PushRequest request);

    /**
     * Waits, without holding a thread where the transport can, until the server has a change for this user after
     * {@code cursor}: completes with {@code true} as soon as one can be pulled (or at once when one already can),
     * with {@code false} when {@code wait} passed first. Live sync ({@code SyncClient.startLive}) syncs on every
     * {@code true}; a wake may be spurious. Fails with a {@link TransportException} as the other calls do.
     *
     * <p>By default, for transports that cannot wait for the server, it completes with {@code true} once
     * {@code wait} has passed: live sync then polls every {@code wait}.
     *
     * @param nodeId the waiting node
     * @param cursor the client's cursor, {@code null} before its first pull
     * @param wait   how long the server may hold the wait, at most 25 seconds
     */
    default CompletableFuture<Boolean> awaitChanges(String nodeId, String cursor, Duration wait) {
        return CompletableFuture.supplyAsync(() -> true,
                CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Releases what the transport holds (connections, threads). Does nothing by default. */
    @Override
    default void close() {
    }
}
