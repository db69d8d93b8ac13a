package dev.mooring.sync.client;

import com.sun.net.httpserver.HttpServer;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.internal.PeerEndpoint;
import dev.mooring.sync.client.internal.PeerToken;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The LAN endpoint of one client database, started by {@link SyncClient#servePeers}: other devices of the same user
 * exchange changes with it by {@link SyncClient#syncWithPeer}, over plain HTTP with a bearer token both were given
 * (routes: {@code POST /peer/v1/handshake}, {@code /peer/v1/import}, {@code /peer/v1/export}). Built on the JDK's own
 * HTTP server ({@code jdk.httpserver}), so the client needs no server stack; not available on Android.
 *
 * <p>Thread-safe. Requests are handled by a few daemon threads; exchanges run one at a time. {@link #close()} stops
 * accepting requests and frees the port, and waits (a few seconds at most) for a request still running to finish its
 * work on the database, which stays open (its {@link SyncClient} is the caller's to close).
 */
public final class PeerServer implements AutoCloseable {
    /** How long a request waits for the exchange before it, then is answered 503 {@code busy}. */
    public static final Duration EXCHANGE_WAIT = Duration.ofSeconds(30);
    private static final int THREADS = 4;
    private static final int STOP_SECONDS = 5;

    private final HttpServer server;
    private final ExecutorService workers;

    private PeerServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    static PeerServer start(SyncClient client, InetSocketAddress address, PeerToken token) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Could not listen for peers on "
                    + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage() + ". Choose another"
                    + " --port, or a --bind address of this machine.", e);
        }
        ExecutorService workers = Executors.newFixedThreadPool(THREADS, new Workers());
        server.createContext("/", new PeerEndpoint(client, token, EXCHANGE_WAIT, client.listening()::peerRequestServed));
        server.setExecutor(workers);
        server.start();
        return new PeerServer(server, workers);
    }

    /** The address it listens on, with the port it was given (the one the system chose for port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The URL a peer on this machine reaches it at ({@code http://127.0.0.1:port} when it listens on every
     * interface); a device elsewhere on the network needs this machine's LAN address instead.
     */
    public URI uri() {
        InetSocketAddress at = server.getAddress();
        String host = at.getAddress().isAnyLocalAddress() ? "127.0.0.1" : at.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + at.getPort());
    }

    @Override
    public void close() {
        // stop(0): on JDK 17 any longer delay is waited out in full even when nothing runs. A request still running
        // finishes below (its import commits or rolls back whole); only its answer may be lost, and trying again is safe.
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PeerServer[" + uri() + "]";
    }

    /** Daemon threads named for thread dumps: an endpoint left open does not keep the JVM alive. */
    private static final class Workers implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "mooring-peer-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
