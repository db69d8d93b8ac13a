package dev.mooring.bench;

import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sync client (SQLite, {@link SyncClient}) on the Reminders example, against bare-JDBC SQLite floors, in one run:
 * <ol>
 *   <li><b>bootstrap</b>: a fresh client pulls {@code --rows} events of one user over HTTP on loopback in pages of
 *       {@code --page}; rows/s of the {@code sync} call against inserting the same rows into the same table in one
 *       transaction with a prepared-statement batch;</li>
 *   <li><b>capture</b>: the app's inserts and updates of {@code events} with sync installed vs. an identical
 *       database without it ({@link CaptureOverhead});</li>
 *   <li><b>incremental</b>: one sync that pulls 100 server changes, or pushes 100 local ones, on a client holding
 *       {@code --rows} events and one holding {@code --small-rows}.</li>
 * </ol>
 * {@code --only apply} is a diagnostic outside the three: the client's share of a bootstrap alone ({@link ApplyOnly}).
 * <pre>
 * java -Xms4g -Xmx4g -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.ClientSyncBench [--only bootstrap|capture|incremental|apply]
 *      [--rows 1000000] [--small-rows 10000] [--page 10000] [--rounds 3] [--incremental-rounds 9]
 *      [--capture-rows 100000] [--capture-txn 1000] [--autocommit-rows 2000] [--capture-rounds 5]
 *      [--load captured|plain] [--apply-rows 200000] [--examples examples/reminders] [--work DIR] [--markdown FILE]
 * </pre>
 * Run from the repository root (the example's migrations are read from {@code examples/reminders}).
 */
public final class ClientSyncBench {
    static final List<String> TABLES = List.of("users", "events", "groups", "event_groups", "shares");
    private static final int BIG_USER = 1;
    private static final int SMALL_USER = 2;

    private final Map<String, String> options;
    private final Path examples;
    private final Path work;
    private final StringBuilder report = new StringBuilder();

    private ClientSyncBench(Map<String, String> options) throws Exception {
        this.options = options;
        this.examples = Path.of(options.getOrDefault("--examples", "examples/reminders")).toAbsolutePath();
        this.work = options.containsKey("--work") ? Files.createDirectories(Path.of(options.get("--work")))
                : Files.createTempDirectory("mooring-client-bench-");
    }

    public static void main(String[] args) throws Exception {
        ClientSyncBench bench = new ClientSyncBench(BenchOptions.parse(args));
        String only = bench.options.getOrDefault("--only", "all");
        if (only.equals("apply")) { // a diagnostic, not part of "all": the client's writes without the server
            bench.report.append(ApplyOnly.run(bench.clientConfig(), bench.work, bench.option("--apply-rows", 200_000),
                    bench.option("--page", 10_000), bench.option("--rounds", 3)));
        }
        if (only.equals("all") || only.equals("capture")) {
            bench.report.append(new CaptureOverhead(bench.examples.resolve("client"), bench.work,
                    bench.option("--capture-rows", 100_000), bench.option("--capture-txn", 1_000),
                    bench.option("--autocommit-rows", 2_000), bench.option("--capture-rounds", 5)).run());
            System.err.println(bench.report);
        }
        if (only.equals("all") || only.equals("bootstrap") || only.equals("incremental")) {
            Map<Integer, Long> users = new LinkedHashMap<>();
            users.put(BIG_USER, (long) bench.option("--rows", 1_000_000));
            users.put(SMALL_USER, (long) bench.option("--small-rows", 10_000));
            try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary();
                 ReminderServer server = ReminderServer.start(pg, bench.examples, users,
                         !bench.options.getOrDefault("--load", "captured").equals("plain"))) {
                Path big = null;
                if (!only.equals("incremental")) {
                    big = bench.bootstrap(server);
                    System.err.println(bench.report);
                }
                if (!only.equals("bootstrap")) {
                    bench.incremental(server, big);
                }
            }
        }
        System.out.println(bench.report);
        if (bench.options.containsKey("--markdown")) {
            Files.writeString(Path.of(bench.options.get("--markdown")), bench.report.toString());
        }
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private ClientConfig clientConfig() {
        return ClientConfig.of(TABLES.toArray(String[]::new))
                .withMigrations(MigrationConfig.of("filesystem:" + examples.resolve("client")))
                .withPullPageSize(option("--page", 10_000));
    }

    // ---------------------------------------------------------------- bootstrap

    /** Bootstraps fresh clients and runs the floor, rounds rotating the order; returns the last client's file. */
    private Path bootstrap(ReminderServer server) throws Exception {
        int rows = option("--rows", 1_000_000);
        int rounds = option("--rounds", 3);
        long generating = System.nanoTime();
        Object[][] floorRows = new Object[rows][];
        for (int g = 1; g <= rows; g++) {
            floorRows[g - 1] = ReminderRows.event(BIG_USER, g);
        }
        System.err.printf("  floor rows generated in %.1f s%n", (System.nanoTime() - generating) / 1e9);
        List<Double> syncRates = new ArrayList<>();
        List<Double> floorRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> opens = new ArrayList<>();
        List<Long> progressCalls = new ArrayList<>();
        List<Double> inTransport = new ArrayList<>();
        Path kept = null;
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            double syncRate = 0;
            double floorRate = 0;
            for (int turn = 0; turn < 2; turn++) {
                if ((turn + round) % 2 == 0) {
                    Path db = work.resolve("bootstrap-" + round + ".db");
                    deleteDatabase(db);
                    Workspace.settleDisk();
                    long opening = System.nanoTime();
                    AtomicLong calls = new AtomicLong();
                    AtomicLong lastApplied = new AtomicLong();
                    SyncReport r;
                    double openMs;
                    long syncing;
                    long synced;
                    TimedTransport transport = new TimedTransport(HttpTransport.create(server.uri(),
                            server.token(BIG_USER)));
                    try (SyncClient client = SyncClient.open(db, clientConfig()); transport) {
                        openMs = (System.nanoTime() - opening) / 1e6;
                        client.addListener(new SyncListener() {
                            @Override
                            public void pullProgress(long applied, boolean bootstrap) {
                                calls.incrementAndGet();
                                lastApplied.set(applied);
                            }
                        });
                        syncing = System.nanoTime();
                        r = client.sync(transport);
                        synced = System.nanoTime();
                        check(r.bootstrap() && r.applied() == rows + 1L && r.pending() == 0,
                                "bootstrap did not apply every row: " + r);
                        check(scalar(client, "SELECT count(*) FROM events WHERE sync_status = 'synced'") == rows,
                                "the client does not hold " + rows + " synced events");
                    }
                    double seconds = (synced - syncing) / 1e9;
                    syncRate = rows / seconds;
                    if (round > 0) {
                        opens.add(openMs);
                        progressCalls.add(calls.get());
                        inTransport.add(transport.seconds() / seconds);
                    }
                    System.err.printf("  round %d: sync %,.0f rows/s (%.2f s, %.2f s of it in %d transport calls;"
                                    + " open %.0f ms; %d progress calls, last %,d)%n", round, syncRate, seconds,
                            transport.seconds(), transport.calls(), openMs, calls.get(), lastApplied.get());
                    if (kept != null) {
                        deleteDatabase(kept);
                    }
                    kept = db;
                } else {
                    floorRate = rows / floor(floorRows, work.resolve("floor-" + round + ".db"));
                    System.err.printf("  round %d: floor %,.0f rows/s%n", round, floorRate);
                }
            }
            if (round > 0) {
                syncRates.add(syncRate);
                floorRates.add(floorRate);
                ratios.add(syncRate / floorRate);
            }
        }
        report.append("### Bootstrap: ").append(String.format("%,d", rows)).append(" events of one user over HTTP,"
                        + " pages of ").append(String.format("%,d", option("--page", 10_000))).append(" (median of ")
                .append(rounds).append(" rounds after a warm-up)\n\n")
                .append("| contender | rows/s, median | per round | ratio to floor |\n|---|---|---|---|\n")
                .append(String.format("| mooring `sync` over HTTP (fresh client) | **%,.0f** | %s | **%.2f×** |%n",
                        median(syncRates), list(syncRates, "%,.0f"), median(ratios)))
                .append(String.format("| floor: one transaction, prepared-statement batch | %,.0f | %s | 1.00× |%n",
                        median(floorRates), list(floorRates, "%,.0f")))
                .append(String.format("%nRatio per round: %s. Time the pull calls took (server, HTTP, JSON parsing;"
                        + " they run ahead of the client's writes, so this is how busy the server side kept), as a"
                        + " share of the sync: %s. `SyncClient.open`"
                        + " (migrations, sync install; not in the measure): median %.0f ms. Progress callbacks per"
                        + " bootstrap: %s.%n%n", list(ratios, "%.2f"), list(inTransport, "%.2f"), median(opens),
                        progressCalls));
        return kept;
    }

    /** Inserts the rows into a freshly migrated client database with no sync installed; returns the seconds taken. */
    private double floor(Object[][] rows, Path db) throws Exception {
        deleteDatabase(db);
        migrate(db, examples.resolve("client"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement s = c.createStatement()) {
                // the sync client's own settings
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
            }
            Workspace.settleDisk();
            long start = System.nanoTime();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(ReminderRows.insertSql())) {
                for (int i = 0; i < rows.length; i++) {
                    ReminderRows.bind(ps, rows[i]);
                    ps.addBatch();
                    if (i % 10_000 == 9_999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            double seconds = (System.nanoTime() - start) / 1e9;
            c.setAutoCommit(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
                rs.next();
                check(rs.getLong(1) == rows.length, "floor inserted " + rs.getLong(1) + " rows");
            }
            return seconds;
        } finally {
            deleteDatabase(db);
        }
    }

    // ---------------------------------------------------------------- incremental

    private void incremental(ReminderServer server, Path bigDb) throws Exception {
        int rows = option("--rows", 1_000_000);
        int small = option("--small-rows", 10_000);
        int rounds = option("--incremental-rounds", 9);
        Path smallDb = work.resolve("incremental-small.db");
        deleteDatabase(smallDb);
        if (bigDb == null) {
            bigDb = work.resolve("incremental-big.db");
            deleteDatabase(bigDb);
        }
        Map<String, Client> clients = new LinkedHashMap<>();
        clients.put(String.format("%,d events", small), new Client(smallDb, SMALL_USER, small));
        clients.put(String.format("%,d events", rows), new Client(bigDb, BIG_USER, rows));
        Map<String, Map<String, List<Double>>> times = new LinkedHashMap<>();
        for (String kind : List.of("pull 100 server changes", "push 100 local changes", "nothing to do")) {
            Map<String, List<Double>> bySize = new LinkedHashMap<>();
            clients.keySet().forEach(size -> bySize.put(size, new ArrayList<>()));
            times.put(kind, bySize);
        }
        try {
            for (Client client : clients.values()) {
                client.open(server);
            }
            for (int round = 0; round < rounds + 2; round++) { // two warm-up rounds
                List<String> order = new ArrayList<>(clients.keySet());
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (String size : order) {
                    Client client = clients.get(size);
                    // 100 rows spread over the user's rows, different ones each round
                    server.execute("UPDATE events SET title = 'Changed in round " + round + "', notes = 'server edit "
                            + round + "' WHERE id IN (SELECT id FROM events WHERE user_id = '"
                            + ReminderRows.userId(client.user) + "' AND (('x' || substr(id::text, 25, 12))::bit(48)::bigint"
                            + " + " + round + ") % " + (client.rows / 100) + " = 0 ORDER BY id LIMIT 100)");
                    double ms = client.timedSync(r -> r.pulled() == 100 && r.applied() == 100 && r.pushed() == 0);
                    record(times, round, "pull 100 server changes", size, ms);
                }
                for (String size : order) {
                    Client client = clients.get(size);
                    client.editLocally(round);
                    double ms = client.timedSync(r -> r.pushed() == 100 && r.acknowledged() == 100 && r.pending() == 0);
                    record(times, round, "push 100 local changes", size, ms);
                }
                for (String size : order) {
                    double ms = clients.get(size).timedSync(r -> r.pulled() == 0 && r.pushed() == 0);
                    record(times, round, "nothing to do", size, ms);
                }
            }
        } finally {
            for (Client client : clients.values()) {
                client.close();
            }
        }
        List<String> sizes = new ArrayList<>(clients.keySet());
        report.append("### Incremental sync: one `sync` call on a client holding ").append(sizes.get(0)).append(" vs ")
                .append(sizes.get(1)).append(" (ms, median of ").append(rounds).append(" rounds after 2 warm-ups)\n\n")
                .append("| sync | ").append(sizes.get(0)).append(" | ").append(sizes.get(1))
                .append(" | big / small | per round, big |\n|---|---|---|---|---|\n");
        times.forEach((kind, bySize) -> {
            double a = median(bySize.get(sizes.get(0)));
            double b = median(bySize.get(sizes.get(1)));
            report.append(String.format("| %s | %.1f | %.1f | %.2f× | %s |%n", kind, a, b, b / a,
                    list(bySize.get(sizes.get(1)), "%.0f")));
        });
        report.append('\n');
    }

    private static void record(Map<String, Map<String, List<Double>>> times, int round, String kind, String size,
                               double ms) {
        System.err.printf("  round %d: %s, %s: %.1f ms%n", round, kind, size, ms);
        if (round >= 2) {
            times.get(kind).get(size).add(ms);
        }
    }

    interface Expectation {
        boolean holds(SyncReport report);
    }

    /** A client of one user that stays open through the incremental rounds. */
    private final class Client {
        final Path db;
        final int user;
        final int rows;
        SyncClient client;
        TimedTransport transport;

        Client(Path db, int user, int rows) {
            this.db = db;
            this.user = user;
            this.rows = rows;
        }

        void open(ReminderServer server) throws Exception {
            boolean fresh = !Files.exists(db);
            client = SyncClient.open(db, clientConfig());
            transport = new TimedTransport(HttpTransport.create(server.uri(), server.token(user)));
            if (fresh) {
                client.sync(transport);
            }
            check(scalar(client, "SELECT count(*) FROM events WHERE sync_status = 'synced'") == rows,
                    db + " does not hold " + rows + " synced events");
        }

        /** 100 rows of this user change on the device, in one transaction. */
        void editLocally(int round) throws Exception {
            try (Connection c = client.connection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("UPDATE events SET remind_offset_minutes = ?,"
                        + " notes = ? WHERE id = ?")) {
                    for (int i = 0; i < 100; i++) {
                        long g = 1 + ((long) i * (rows / 100) + round * 7L) % rows;
                        ps.setInt(1, 5 + round);
                        ps.setString(2, "device edit " + round);
                        ps.setString(3, ReminderRows.eventId(user, g));
                        check(ps.executeUpdate() == 1, "no event " + g);
                    }
                }
                c.commit();
            }
        }

        double timedSync(Expectation expected) {
            transport.reset();
            long start = System.nanoTime();
            SyncReport r = client.sync(transport);
            double ms = (System.nanoTime() - start) / 1e6;
            check(expected.holds(r), "unexpected sync for " + rows + " rows: " + r);
            System.err.printf("    %.1f ms in %d transport calls%n", transport.seconds() * 1e3, transport.calls());
            return ms;
        }

        void close() {
            if (transport != null) {
                transport.close();
            }
            if (client != null) {
                client.close();
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Runs the example's client migrations on {@code db}, as an app without sync would. */
    static void migrate(Path db, Path migrations) {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + db);
        Migrator.create(ds, MigrationConfig.of("filesystem:" + migrations)).migrate();
    }

    private static long scalar(SyncClient client, String sql) throws Exception {
        try (Connection c = client.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void deleteDatabase(Path db) throws Exception {
        for (String suffix : new String[]{"", "-wal", "-shm", "-journal"}) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String list(List<Double> values, String format) {
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(String.format(format, v)));
        return String.join(" ", parts);
    }
}
