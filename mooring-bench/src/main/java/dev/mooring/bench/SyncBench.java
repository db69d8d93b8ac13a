package dev.mooring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncedTable;
import dev.mooring.server.Tokens;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.SyncJson;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sync server measured against the bare-JDBC floor on the same embedded PostgreSQL, in one run:
 * <ol>
 *   <li><b>push</b>: N concurrent clients push batches of new rows (4 columns each) over HTTP; column changes per
 *       second and request latency (p50, p99), against the same rows inserted by N threads with plain JDBC batches
 *       into an identical table without capture;</li>
 *   <li><b>pull</b>: serving a backlog of changes over HTTP in pages of 1,000, with 1 and 4 clients, against reading
 *       the same change log rows with plain JDBC; and a backlog of the same size in which every row was written five
 *       times (an insert and four updates of one column), so four changes in five are superseded by a later write
 *       of their row and checked against the row as it is now before they go out (most are not sent at all);</li>
 *   <li><b>pull cost</b>: pulling 100 changes from a table of {@code --big-rows} rows vs one of {@code --small-rows}.</li>
 * </ol>
 * <pre>
 * java -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.SyncBench [--clients 50] [--seconds 15]
 *      [--batch 50] [--pull-changes 200000] [--big-rows 10000000] [--small-rows 10000] [--markdown sync.md]
 * </pre>
 */
public final class SyncBench {
    private static final String TABLE_SQL = "CREATE TABLE %s (id text PRIMARY KEY, user_id text NOT NULL, c1 text,"
            + " c2 text, c3 text, c4 int, deleted_at timestamptz)";

    private final Map<String, String> options;
    private final StringBuilder report = new StringBuilder();
    private final ObjectMapper json = SyncJson.mapper();

    private SyncBench(Map<String, String> options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        SyncBench bench = new SyncBench(BenchOptions.parse(args));
        String only = bench.options.getOrDefault("--only", "all");
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary()) {
            if (only.equals("all") || only.equals("push")) {
                bench.push(pg);
                System.err.println(bench.report);
            }
            if (only.equals("all") || only.equals("pull")) {
                bench.pull(pg);
                System.err.println(bench.report);
            }
            if (only.equals("all") || only.equals("cost")) {
                bench.pullCost(pg);
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

    static HikariDataSource pool(EmbeddedPostgresServer pg, String db, int size) {
        return pool(pg.dataSource(db), "bench-" + db, size);
    }

    /** A pool of at most {@code size} connections from {@code connections}. */
    static HikariDataSource pool(DataSource connections, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(connections);
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    // ---------------------------------------------------------------- push

    private void push(EmbeddedPostgresServer pg) throws Exception {
        int clients = option("--clients", 50);
        int seconds = option("--seconds", 15);
        int batch = option("--batch", 50);
        pg.createDatabaseIfMissing("push");
        // the pool mooring server gives itself (4 per core); the floor's threads share the same
        try (HikariDataSource ds = pool(pg, "push", option("--pool", Math.max(4, 4 * Runtime.getRuntime().availableProcessors())))) {
            execute(ds, String.format(TABLE_SQL, "notes"), String.format(TABLE_SQL, "notes_floor"));
            SyncConfig config = SyncConfig.of(SyncedTable.owned("notes"));
            SyncSchema.install(ds, config);
            Tokens tokens = Tokens.create(ds);
            List<String> tokenList = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                tokenList.add(tokens.issue("u" + i, "bench").token());
            }
            Load mooring;
            try (SyncServer server = SyncServer.start(ds, config, ServerOptions.defaults().withPort(0))) {
                String url = server.uri() + "/v1/changes";
                mooring = run(clients, seconds, client -> {
                    HttpClient http = HttpClient.newHttpClient();
                    String node = "node-" + client;
                    long[] seq = {0};
                    return () -> {
                        List<RowChange> changes = new ArrayList<>(batch);
                        for (int i = 0; i < batch; i++) {
                            long s = ++seq[0];
                            changes.add(new RowChange("notes", node + "-" + s, Operation.UPSERT, values(s),
                                    new Hlc(System.currentTimeMillis(), 0, node), node, s));
                        }
                        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + tokenList.get(client))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(
                                        new PushRequest(node, changes)))).build(), HttpResponse.BodyHandlers.ofByteArray());
                        PushResponse response = json.readValue(r.body(), PushResponse.class);
                        for (ChangeResult result : response.results()) {
                            if (result.status() != ChangeStatus.APPLIED) {
                                throw new IllegalStateException("push not applied: " + result);
                            }
                        }
                        return batch * 4L;
                    };
                });
            }
            Load floor = run(clients, seconds, client -> {
                long[] seq = {0};
                return () -> {
                    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                            "INSERT INTO notes_floor (id, user_id, c1, c2, c3, c4) VALUES (?, ?, ?, ?, ?, ?)")) {
                        c.setAutoCommit(false);
                        for (int i = 0; i < batch; i++) {
                            long s = ++seq[0];
                            ps.setString(1, "floor-" + client + "-" + s);
                            ps.setString(2, "u" + client);
                            ps.setString(3, "title " + s);
                            ps.setString(4, "body of change " + s);
                            ps.setString(5, "tag-" + (s % 7));
                            ps.setInt(6, (int) (s % 1000));
                            ps.addBatch();
                        }
                        ps.executeBatch();
                        c.commit();
                    }
                    return batch * 4L;
                };
            });
            report.append("### Push: ").append(clients).append(" concurrent clients, batches of ").append(batch)
                    .append(" new rows x 4 columns, ").append(seconds).append(" s each\n\n")
                    .append("| contender | column changes/s | batches | p50 ms | p99 ms | vs floor |\n|---|---|---|---|---|---|\n")
                    .append(mooring.row("mooring push over HTTP (capture, LWW, idempotency)", floor.rate()))
                    .append(floor.row("JDBC batch INSERT floor (no capture, no HTTP)", floor.rate())).append('\n');
        }
        // Nothing of this part may keep working in the background (autovacuum) while the next is measured.
        pg.dropDatabase("push");
    }

    private static Map<String, JsonNode> values(long s) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("c1", JsonNodeFactory.instance.textNode("title " + s));
        values.put("c2", JsonNodeFactory.instance.textNode("body of change " + s));
        values.put("c3", JsonNodeFactory.instance.textNode("tag-" + (s % 7)));
        values.put("c4", JsonNodeFactory.instance.numberNode((int) (s % 1000)));
        return values;
    }

    /** A unit of work that returns how many column changes it made. */
    interface Step {
        long run() throws Exception;
    }

    interface Client {
        Step create(int client) throws Exception;
    }

    /** Throughput and latency of one load run. */
    record Load(long units, long steps, double seconds, List<Long> latenciesNanos) {
        double rate() {
            return units / seconds;
        }

        double percentile(double p) {
            List<Long> sorted = new ArrayList<>(latenciesNanos);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size()))) / 1e6;
        }

        String row(String name, double floorRate) {
            return String.format("| %s | %,.0f | %,d | %.1f | %.1f | %.2fx |%n", name, rate(), steps, percentile(0.50),
                    percentile(0.99), rate() / floorRate);
        }
    }

    /** {@code clients} threads run their step until {@code seconds} pass, after a 3-second warm-up. */
    private static Load run(int clients, int seconds, Client factory) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong units = new AtomicLong();
        AtomicLong steps = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long warmUpEnds = System.nanoTime() + 3_000_000_000L;
        long ends = warmUpEnds + seconds * 1_000_000_000L;
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Step step = factory.create(i);
            futures.add(pool.submit(() -> {
                while (true) {
                    long start = System.nanoTime();
                    if (start >= ends) {
                        return null;
                    }
                    long n = step.run();
                    long end = System.nanoTime();
                    if (start >= warmUpEnds && end <= ends) {
                        units.addAndGet(n);
                        steps.incrementAndGet();
                        latencies.add(end - start);
                    }
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return new Load(units.get(), steps.get(), seconds, latencies);
    }

    // ---------------------------------------------------------------- pull

    private void pull(EmbeddedPostgresServer pg) throws Exception {
        int changes = option("--pull-changes", 200_000);
        pg.createDatabaseIfMissing("pull");
        try (HikariDataSource ds = pool(pg, "pull", 10)) {
            long start = loadBacklog(ds, changes, 0);
            Map<String, Double> rates = new LinkedHashMap<>(httpPulls(ds, start, changes, changes, ""));
            for (int clients : new int[]{1, 4}) {
                rates.put("JDBC read of the same change log rows, " + clients + " connection(s)", median(3, () ->
                        parallel(clients, i -> jdbcReadAll(ds, start, changes)) * changes));
            }
            rates.putAll(rewrittenPull(pg, changes));
            report.append("### Pull: serving ").append(String.format("%,d", changes))
                    .append(" changes in pages of 1,000 (median of 3)\n\n| contender | changes/s |\n|---|---|\n");
            rates.forEach((k, v) -> report.append(String.format("| %s | %,.0f |%n", k, v)));
            report.append('\n');
        }
        pg.dropDatabase("pull");
    }

    /**
     * The same number of change log entries, from rows written five times each: an insert, then four statements
     * that each update one column of every row. Rates count the log entries a pull walked through per second.
     */
    private Map<String, Double> rewrittenPull(EmbeddedPostgresServer pg, int changes) throws Exception {
        pg.createDatabaseIfMissing("pull_rewritten");
        try (HikariDataSource ds = pool(pg, "pull_rewritten", 10)) {
            return httpPulls(ds, loadBacklog(ds, changes / 5, 4), changes, -1, "rows written 5 times, ");
        } finally {
            pg.dropDatabase("pull_rewritten");
        }
    }

    /**
     * A synced table of {@code rows} new rows of one user, each then updated {@code updates} times by statements over
     * the whole table, vacuumed; returns the xmin before the first write, where a pull of the backlog starts.
     */
    private static long loadBacklog(HikariDataSource ds, int rows, int updates) throws Exception {
        execute(ds, String.format(TABLE_SQL, "notes"));
        SyncSchema.install(ds, SyncConfig.of(SyncedTable.owned("notes")));
        long start = xmin(ds);
        execute(ds, "INSERT INTO notes (id, user_id, c1, c2, c3, c4) SELECT 'n' || g, 'reader', 'title ' || g,"
                + " 'body of change ' || g, 'tag-' || g % 7, g % 1000 FROM generate_series(1, " + rows + ") g");
        for (int i = 1; i <= updates; i++) {
            execute(ds, "UPDATE notes SET c1 = 'title ' || id || ' edit " + i + "'");
        }
        execute(ds, "VACUUM (ANALYZE) mooring.change_log", "VACUUM (ANALYZE) mooring.column_versions",
                "VACUUM (ANALYZE) notes", "CHECKPOINT");
        return start;
    }

    /**
     * Pulls the backlog after {@code start} over HTTP with 1 and 4 clients; rates in log entries ({@code changes})
     * per second. Each pull must get {@code expected} changes ({@code -1}: any number, which is printed).
     */
    private Map<String, Double> httpPulls(HikariDataSource ds, long start, int changes, int expected, String label)
            throws Exception {
        String token = Tokens.create(ds).issue("reader", "bench").token();
        String cursor = "c1." + start + ".0";
        Map<String, Double> rates = new LinkedHashMap<>();
        try (SyncServer server = SyncServer.start(ds, SyncConfig.of(SyncedTable.owned("notes")),
                ServerOptions.defaults().withPort(0))) {
            String url = server.uri() + "/v1/changes?limit=1000";
            AtomicLong sent = new AtomicLong();
            for (int clients : new int[]{1, 4}) {
                rates.put("mooring pull over HTTP, " + label + clients + " client(s)", median(3, () ->
                        parallel(clients, i -> sent.set(httpPullAll(url + "&node=reader-" + i, token, cursor,
                                expected))) * changes));
            }
            System.err.println(label + "a pull sent " + sent.get() + " of " + changes + " log entries");
        }
        return rates;
    }

    interface Task {
        void run(int i) throws Exception;
    }

    interface Measured {
        double run() throws Exception;
    }

    /** Runs {@code clients} copies of a task at once; returns completed copies per second. */
    private static double parallel(int clients, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            futures.add(pool.submit(() -> {
                task.run(id);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        return clients / ((System.nanoTime() - start) / 1e9);
    }

    private static double median(int rounds, Measured measured) throws Exception {
        measured.run(); // warm-up
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            values.add(measured.run());
        }
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    /** Pulls everything after {@code cursor}; returns the changes sent, which must be {@code expected} unless -1. */
    private long httpPullAll(String url, String token, String cursor, int expected) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long got = 0;
        String next = cursor;
        PullResponse page;
        do {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url + "&cursor=" + next))
                    .header("Authorization", "Bearer " + token).header("Accept-Encoding", "identity").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            page = json.readValue(r.body(), PullResponse.class);
            got += page.changes().size();
            next = page.nextCursor();
        } while (page.hasMore());
        if (expected >= 0 && got != expected) {
            throw new IllegalStateException("pulled " + got + " changes, expected " + expected);
        }
        return got;
    }

    /** Reads the feed's rows page by page with the feed's own query shape, each column as text. */
    private static void jdbcReadAll(DataSource ds, long startXid, int expected) throws Exception {
        long xid = startXid;
        long seq = 0;
        long got = 0;
        try (Connection c = ds.getConnection(); Statement plain = c.createStatement(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq, xid::text, table_name, record_id, operation, new_row::text, changed_columns, hlc, origin_node"
                        + " FROM mooring.change_log WHERE audience = 'reader' AND (xid, seq) > (?::xid8, ?)"
                        + " ORDER BY change_log.xid, seq LIMIT 1000")) {
            // the planner settings the feed uses, so both read the log the same way
            plain.execute("SET plan_cache_mode = force_custom_plan; SET enable_bitmapscan = off; SET enable_sort = off");
            while (true) {
                ps.setString(1, Long.toString(xid));
                ps.setLong(2, seq);
                int rows = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        seq = rs.getLong(1);
                        xid = Long.parseLong(rs.getString(2));
                        rs.getString(6);
                        rs.getArray(7);
                        rs.getString(8);
                    }
                }
                got += rows;
                if (rows < 1000) {
                    break;
                }
            }
        }
        if (got != expected) {
            throw new IllegalStateException("read " + got + " rows, expected " + expected);
        }
    }

    // ---------------------------------------------------------------- pull cost

    private void pullCost(EmbeddedPostgresServer pg) throws Exception {
        int big = option("--big-rows", 10_000_000);
        int small = option("--small-rows", 10_000);
        Map<String, Double> millis = new LinkedHashMap<>();
        for (int rows : new int[]{small, big}) {
            String db = "cost_" + rows;
            pg.createDatabaseIfMissing(db);
            try (HikariDataSource ds = pool(pg, db, 4)) {
                execute(ds, String.format(TABLE_SQL, "items"));
                SyncConfig config = SyncConfig.of(SyncedTable.owned("items"));
                SyncSchema.install(ds, config);
                long load = System.nanoTime();
                // The rows predate sync: loaded with triggers off, as an existing table would be
                execute(ds, "SET session_replication_role = replica; INSERT INTO items (id, user_id, c1, c2, c3, c4)"
                        + " SELECT 'i' || g, 'u' || g % 100, 'title ' || g, 'body ' || g, 'tag', g % 100"
                        + " FROM generate_series(1, " + rows + ") g; SET session_replication_role = origin; ANALYZE items");
                System.err.printf("  loaded %,d rows in %.1f s%n", rows, (System.nanoTime() - load) / 1e9);
                // Settle the load first: otherwise autovacuum works through the new rows during the measurement
                // and the comparison measures the two cores being shared, not the pull.
                execute(ds, "VACUUM (FREEZE, ANALYZE) items", "CHECKPOINT");
                long start = xmin(ds);
                // u1 owns one row in a hundred; 100 of them change
                execute(ds, "UPDATE items SET c1 = 'changed' WHERE id IN (SELECT id FROM items WHERE user_id = 'u1'"
                        + " ORDER BY id LIMIT 100)");
                SyncService sync = SyncService.create(ds, config);
                String cursor = "c1." + start + ".0";
                int got = sync.pull("u1", "cost-node", cursor, 100).changes().size();
                if (got != 100) {
                    throw new IllegalStateException("expected 100 changes for u1, got " + got);
                }
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    long t = System.nanoTime();
                    sync.pull("u1", "cost-node", cursor, 100);
                    times.add((System.nanoTime() - t) / 1e6);
                }
                Collections.sort(times);
                millis.put(String.format("%,d rows", rows), times.get(times.size() / 2));
            }
            pg.dropDatabase(db);
        }
        List<Double> values = new ArrayList<>(millis.values());
        report.append("### Pull cost: 100 changes from a table of ").append(String.format("%,d", big)).append(" vs ")
                .append(String.format("%,d", small)).append(" rows (median of 200 pulls)\n\n| table | ms per pull |\n|---|---|\n");
        millis.forEach((k, v) -> report.append(String.format("| %s | %.2f |%n", k, v)));
        report.append(String.format("%n**big / small: %.2fx** (target: within 1.2x)%n%n", values.get(1) / values.get(0)));
    }

    static long xmin(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    static void execute(DataSource ds, String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
