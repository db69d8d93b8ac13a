package dev.mooring.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.LiveWakeup;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.SyncJson;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle live clients, as many as a benchmark wants, over one shared {@link HttpClient} (an {@code HttpTransport} each
 * would bring an HTTP client, and its thread, each): every client keeps one {@code GET /v1/changes/wait} open at its
 * server at all times, with a real cursor, and sends the next as soon as one is answered. The first waits of each
 * client last 1 to {@code wait} seconds at random, so that the renewals are spread evenly rather than in a burst.
 * Thread-safe; {@link #close()} stops renewing (the servers answer the open waits when they stop: close it first).
 */
final class IdleWaiters implements AutoCloseable {
    /** One idle client: its server, token, node and cursor. */
    record Client(URI server, String token, String node, String cursor) {
    }

    private final ObjectMapper json = SyncJson.mapper();
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "idle-waiters");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final int waitSeconds;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger nothingCame = new AtomicInteger();
    private final AtomicInteger woken = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    IdleWaiters(Duration wait) {
        this.waitSeconds = (int) wait.toSeconds();
    }

    /**
     * A new client of {@code user}'s on {@code server}: pulls everything there is for it (nothing, for a new user) to
     * get the cursor it then waits with.
     */
    Client connect(URI server, String token, String node) throws Exception {
        String cursor = null;
        PullResponse page;
        do {
            HttpResponse<byte[]> r = http.send(request(server, token, "/v1/changes?node=" + encode(node)
                    + (cursor == null ? "" : "&cursor=" + encode(cursor)) + "&limit=1000", Duration.ofSeconds(30)),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("pull for " + node + " answered " + r.statusCode() + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            page = json.readValue(r.body(), PullResponse.class);
            cursor = page.nextCursor();
        } while (page.hasMore());
        return new Client(server, token, node, cursor);
    }

    /** Starts every client's waiting. */
    void start(List<Client> clients) {
        for (Client c : clients) {
            await(c, 1 + ThreadLocalRandom.current().nextInt(waitSeconds));
        }
    }

    private void await(Client c, int seconds) {
        if (closed) {
            return;
        }
        open.incrementAndGet();
        http.sendAsync(request(c.server(), c.token(), "/v1/changes/wait?node=" + encode(c.node()) + "&cursor="
                        + encode(c.cursor()) + "&wait=" + seconds, Duration.ofSeconds(seconds + 30L)),
                HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, failure) -> {
                    open.decrementAndGet();
                    if (failure != null || r.statusCode() != 200) {
                        if (!closed) {
                            failed.incrementAndGet();
                            remember(failure != null ? failure.toString()
                                    : r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
                        }
                        return; // a failed client stays away: the count of waiting clients shows it
                    }
                    try {
                        (json.readValue(r.body(), LiveWakeup.class).changes() ? woken : nothingCame).incrementAndGet();
                    } catch (java.io.IOException e) {
                        failed.incrementAndGet();
                        remember(e.toString());
                        return;
                    }
                    await(c, waitSeconds);
                });
    }

    private void remember(String failure) {
        if (failures.size() < 5) {
            failures.add(failure);
        }
    }

    private static HttpRequest request(URI server, String token, String pathAndQuery, Duration timeout) {
        return HttpRequest.newBuilder(server.resolve(pathAndQuery)).timeout(timeout)
                .header("Authorization", "Bearer " + token).GET().build();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Waits open now, as this side counts them (sent and not yet answered). */
    int open() {
        return open.get();
    }

    int failed() {
        return failed.get();
    }

    /** How the waits so far ended, and the first failures. */
    String summary() {
        return String.format("%d waits renewed after nothing came, %d answered \"changes\" (idle users have none),"
                + " %d failed%s", nothingCame.get(), woken.get(), failed.get(),
                failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")");
    }

    /**
     * Stops renewing waits. The executor's daemon threads stay: the waits still open complete on them when their
     * servers answer or stop, and a rejected completion would only add noise.
     */
    @Override
    public void close() {
        closed = true;
    }
}
