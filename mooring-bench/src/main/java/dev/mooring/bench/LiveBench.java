package dev.mooring.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.Tokens;
import dev.mooring.sync.client.LiveOptions;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Live sync's latency and the server's memory with many live clients, in one run (issue 18).
 * <ul>
 *   <li>Two sync servers, each a JVM of its own ({@link LiveServerMain}, {@code -Xmx512m}), on one embedded
 *       PostgreSQL; each holds {@code --clients} idle live clients of their own users ({@link IdleWaiters}).</li>
 *   <li>Two configurations of devices (SQLite {@link LiveDevice}s of one user each): <i>one instance</i>, device A and
 *       device B both on server 1; <i>two instances</i>, A on server 1 and B on server 2. B runs live sync.</li>
 *   <li>Two paths, each timed from a commit to the moment B's sync has applied the row (its
 *       {@code rowsChanged}): a <i>server write</i>, an application's JDBC INSERT on the server database; and
 *       <i>A's local write</i>, an INSERT in A's SQLite, after which A calls {@code sync} at once (A is not live).</li>
 *   <li>Rounds alternate which configuration goes first; a random pause of 20–80 ms separates samples; the first
 *       {@code --warmup} rounds are not counted.</li>
 *   <li>Memory: each server's heap after a full GC, before any live client, with all of them at their first wait,
 *       and after the latency rounds once every client has renewed its wait at least once (so its connection has
 *       served a second request).</li>
 * </ul>
 * <pre>
 * java -Xmx1g -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.LiveBench [--clients 1000] [--samples 300]
 *      [--warmup 30] [--pool 8] [--server-heap 512m] [--markdown live.md]
 * </pre>
 */
public final class LiveBench {
    private static final String SERVER_WRITE = "server write (JDBC INSERT) → B";
    private static final String DEVICE_WRITE = "A's local write, A syncs → B";
    private static final Duration ARRIVAL_LIMIT = Duration.ofSeconds(60);

    private final Map<String, String> options;
    private final StringBuilder report = new StringBuilder();

    private LiveBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        LiveBench bench = new LiveBench(BenchOptions.parse(args));
        Path work = Files.createTempDirectory("mooring-live-");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary()) {
            bench.run(pg, work);
        } finally {
            Workspace.deleteTree(work);
        }
        BenchOptions.publish(bench.options, bench.report);
    }

    private int option(String name, int fallback) {
        return BenchOptions.number(options, name, fallback);
    }

    /** Devices A and B of one user, each linked to its server. */
    private record Configuration(String name, LiveDevice a, LiveDevice b) {
    }

    private void run(EmbeddedPostgresServer pg, Path work) throws Exception {
        int clients = option("--clients", 1000);
        int samples = option("--samples", 300);
        int warmup = option("--warmup", Math.max(5, samples / 10));
        // what `mooring server` gives itself
        int poolSize = option("--pool", Math.max(4, 4 * Runtime.getRuntime().availableProcessors()));
        String serverHeap = options.getOrDefault("--server-heap", "512m");
        LiveOptions live = LiveOptions.defaults();
        pg.createDatabaseIfMissing("live");
        try (HikariDataSource ds = SyncBench.pool(pg, "live", 4)) {
            SyncBench.execute(ds, LiveServerMain.TABLE_SQL);
            SyncSchema.install(ds, LiveServerMain.CONFIG);
            Tokens tokens = Tokens.create(ds);
            String url = "postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@localhost:" + pg.port() + "/live";
            List<String> jvm = List.of("-Xmx" + serverHeap);
            String load = PitrBench.loadAverage();
            try (LiveServerProcess one = LiveServerProcess.start("server 1", url, poolSize, jvm);
                 LiveServerProcess two = LiveServerProcess.start("server 2", url, poolSize, jvm);
                 IdleWaiters idle = new IdleWaiters(live.serverWait());
                 LiveDevice a1 = LiveDevice.open(work.resolve("a1.db"), "alice-1", one.uri(), token(tokens, "alice-1"));
                 LiveDevice b1 = LiveDevice.open(work.resolve("b1.db"), "alice-1", one.uri(), token(tokens, "alice-1"));
                 LiveDevice a2 = LiveDevice.open(work.resolve("a2.db"), "alice-2", one.uri(), token(tokens, "alice-2"));
                 LiveDevice b2 = LiveDevice.open(work.resolve("b2.db"), "alice-2", two.uri(), token(tokens, "alice-2"));
                 Connection server = ds.getConnection()) {
                List<LiveServerProcess> servers = List.of(one, two);
                System.err.printf("  servers: pids %d and %d at %s and %s%n", one.pid(), two.pid(), one.uri(), two.uri());
                List<IdleWaiters.Client> idleClients = connectIdle(idle, tokens, servers, clients);
                Map<String, LiveServerMain.Heap> bare = heaps(servers);

                b1.startLive(live);
                b2.startLive(live);
                long waitStart = System.nanoTime();
                idle.start(idleClients);
                awaitWaiting(servers, clients + 1, idle);
                System.err.printf("  %d idle clients waiting at each server after %.1f s%n", clients,
                        (System.nanoTime() - waitStart) / 1e9);
                Map<String, LiveServerMain.Heap> loaded = heaps(servers);

                List<Configuration> configurations = List.of(new Configuration("one instance", a1, b1),
                        new Configuration("two instances (A on 1, B on 2)", a2, b2));
                Map<String, Timing> latencies = measure(configurations, server, samples, warmup);
                // A connection's second request costs the server more than its first (Jetty builds a header cache
                // for it): memory is taken again once every idle client has renewed its wait at least once.
                long renewed = waitStart + live.serverWait().plusSeconds(2).toNanos() - System.nanoTime();
                TimeUnit.NANOSECONDS.sleep(Math.max(0, renewed));
                awaitWaiting(servers, clients + 1, idle);
                Map<String, LiveServerMain.Heap> after = heaps(servers);
                int[] waitingAfter = {one.waiting(), two.waiting()};
                describe(clients, samples, warmup, poolSize, serverHeap, live, load, bare.values().iterator().next());
                latencyTable(latencies, configurations);
                memoryTable(servers, clients, bare, loaded, after);
                report.append(String.format("Idle clients during the run: %s; waiting at the end: %d and %d (%d idle"
                        + " + B each).%n%nLoad average before: %s; at the end: %s.%n", idle.summary(),
                        waitingAfter[0], waitingAfter[1], clients, load, PitrBench.loadAverage()));
            }
        }
    }

    private static String token(Tokens tokens, String user) {
        return tokens.issue(user, "live-bench").token();
    }

    /** {@code clients} new users per server, each with a token and a cursor from a first pull. */
    private static List<IdleWaiters.Client> connectIdle(IdleWaiters idle, Tokens tokens, List<LiveServerProcess> servers,
                                                        int clients) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<IdleWaiters.Client>> connecting = new ArrayList<>();
            for (int s = 0; s < servers.size(); s++) {
                URI uri = servers.get(s).uri();
                for (int i = 0; i < clients; i++) {
                    String user = "idle-" + (s + 1) + "-" + i;
                    connecting.add(pool.submit(() -> idle.connect(uri, token(tokens, user), user + "-device")));
                }
            }
            List<IdleWaiters.Client> connected = new ArrayList<>();
            for (Future<IdleWaiters.Client> c : connecting) {
                connected.add(c.get());
            }
            System.err.printf("  %d idle users with tokens and cursors in %.1f s%n", connected.size(),
                    (System.nanoTime() - start) / 1e9);
            return connected;
        } finally {
            pool.shutdown();
        }
    }

    /** Waits until every server has {@code expected} live clients waiting. */
    private static void awaitWaiting(List<LiveServerProcess> servers, int expected, IdleWaiters idle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + expected / 20);
        while (true) {
            boolean all = true;
            for (LiveServerProcess s : servers) {
                all &= s.waiting() >= expected;
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline || idle.failed() > 0) {
                StringBuilder counts = new StringBuilder();
                for (LiveServerProcess s : servers) {
                    counts.append(s.name()).append(": ").append(s.waiting()).append(' ');
                }
                throw new IllegalStateException("expected " + expected + " waiting at each server; " + counts
                        + "; open on this side " + idle.open() + "; " + idle.summary());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static Map<String, LiveServerMain.Heap> heaps(List<LiveServerProcess> servers) throws Exception {
        Map<String, LiveServerMain.Heap> heaps = new LinkedHashMap<>();
        for (LiveServerProcess s : servers) {
            heaps.put(s.name(), s.heap());
        }
        return heaps;
    }

    /**
     * Rounds of one sample per configuration and path, the configurations' order alternating; the first
     * {@code warmup} rounds are not kept. Keys: path, then configuration.
     */
    private static Map<String, Timing> measure(List<Configuration> configurations, Connection server, int samples,
                                               int warmup) throws Exception {
        Map<String, Timing> timings = new LinkedHashMap<>();
        for (String path : List.of(SERVER_WRITE, DEVICE_WRITE)) {
            for (Configuration c : configurations) {
                timings.put(key(path, c), new Timing());
            }
        }
        long start = System.nanoTime();
        try (PreparedStatement insert = server.prepareStatement(
                "INSERT INTO notes (id, user_id, title) VALUES (?, ?, 'written on the server')")) {
            for (int round = 0; round < warmup + samples; round++) {
                List<Configuration> order = new ArrayList<>(configurations);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Configuration c : order) {
                    String id = "s" + round + "-" + c.b().user();
                    CompletableFuture<Long> arrival = c.b().expect(id);
                    insert.setString(1, id);
                    insert.setString(2, c.b().user());
                    insert.executeUpdate();
                    record(timings.get(key(SERVER_WRITE, c)), round >= warmup, System.nanoTime(), arrival, id);
                    pause();

                    id = "d" + round + "-" + c.a().user();
                    arrival = c.b().expect(id);
                    c.a().write(id);
                    long written = System.nanoTime();
                    c.a().sync();
                    record(timings.get(key(DEVICE_WRITE, c)), round >= warmup, written, arrival, id);
                    pause();
                }
                if ((round + 1) % 50 == 0) {
                    System.err.printf("  round %d of %d, %.0f s%n", round + 1, warmup + samples,
                            (System.nanoTime() - start) / 1e9);
                }
            }
        }
        return timings;
    }

    private static String key(String path, Configuration c) {
        return path + " | " + c.name();
    }

    private static void record(Timing timing, boolean kept, long committed, CompletableFuture<Long> arrival, String id)
            throws Exception {
        long applied;
        try {
            applied = arrival.get(ARRIVAL_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("row " + id + " was not applied on device B within " + ARRIVAL_LIMIT
                    + " of its commit (a live wait lasts 20 s)");
        }
        if (kept) {
            timing.seconds.add((applied - committed) / 1e9);
        }
    }

    private static void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(20, 81));
    }

    private void describe(int clients, int samples, int warmup, int poolSize, String serverHeap, LiveOptions live,
                          String load, LiveServerMain.Heap heap) {
        report.append(String.format("### Live sync: commit → applied on device B, %,d idle live clients at each"
                        + " server instance%n%n%d samples per path and configuration after %d warm-up rounds;"
                        + " servers in JVMs of their own (-Xmx%s, %s, %d pooled connections each) on one embedded"
                        + " PostgreSQL; clients wait %d s at a time; %d cores.%n%n", clients, samples, warmup,
                serverHeap, heap.collector(), poolSize, live.serverWait().toSeconds(),
                Runtime.getRuntime().availableProcessors()));
    }

    private void latencyTable(Map<String, Timing> latencies, List<Configuration> configurations) {
        report.append("| path | servers | min ms | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n");
        latencies.forEach((key, t) -> {
            String[] parts = key.split(" \\| ");
            report.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f |%n", parts[0], parts[1],
                    t.min() * 1e3, t.median() * 1e3, t.percentile(0.99) * 1e3, t.max() * 1e3));
        });
        report.append('\n');
        for (String path : List.of(SERVER_WRITE, DEVICE_WRITE)) {
            double one = latencies.get(key(path, configurations.get(0))).median();
            double two = latencies.get(key(path, configurations.get(1))).median();
            report.append(String.format(Locale.ROOT, "- %s: two instances / one instance, medians: **%.2f×**%n",
                    path, two / one));
        }
        report.append("- targets: p50 ≤ 25 ms, p99 ≤ 150 ms\n\n");
    }

    private void memoryTable(List<LiveServerProcess> servers, int clients, Map<String, LiveServerMain.Heap> bare,
                             Map<String, LiveServerMain.Heap> loaded, Map<String, LiveServerMain.Heap> after) {
        report.append("| server | when | heap after GC MB | heap before GC MB | heap committed MB | RSS MB | threads |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (LiveServerProcess s : servers) {
            row(s.name(), "no live client", bare.get(s.name()));
            row(s.name(), String.format("%,d idle + B waiting (first waits)", clients), loaded.get(s.name()));
            row(s.name(), "the same, after the latency rounds and every wait renewed", after.get(s.name()));
        }
        report.append('\n');
        for (LiveServerProcess s : servers) {
            long first = loaded.get(s.name()).usedAfterGc() - bare.get(s.name()).usedAfterGc();
            long renewed = after.get(s.name()).usedAfterGc() - bare.get(s.name()).usedAfterGc();
            report.append(String.format(Locale.ROOT, "- %s: heap after GC grew %.1f MB with %,d waiting clients at"
                    + " their first waits (%.1f KB each), %.1f MB once renewed (%.1f KB each); target: under 512 MB"
                    + " heap%n", s.name(), first / 1e6, clients + 1, first / 1e3 / (clients + 1), renewed / 1e6,
                    renewed / 1e3 / (clients + 1)));
        }
        report.append('\n');
    }

    private void row(String server, String when, LiveServerMain.Heap heap) {
        report.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %d |%n", server, when,
                heap.usedAfterGc() / 1e6, heap.usedBeforeGc() / 1e6, heap.committed() / 1e6, heap.rss() / 1e6,
                heap.threads()));
    }
}
