package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncedTable;
import dev.mooring.server.Tokens;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.RetryPolicy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One run of the convergence simulation, driven by one seed: three users with three or four devices each sync with a
 * real {@link SyncServer} over HTTP while their apps insert, update and delete rows (some shared by a user's devices,
 * some touched by one device only), devices go offline for a while, answers are lost on the way back, devices crash
 * in the middle of a sync and start again from their files, the server restarts, device clocks are off by up to
 * an hour, and another application's transactions on the server database stay open across syncs and commit late
 * (holding back what pulls may deliver, as long reports and batch jobs do). Twice during the run, and at the end,
 * every device syncs until nothing moves, and the checks run: see {@link #run()}.
 *
 * <p>Every choice comes from one {@link Random} with the seed, so a seed replays the same run (wall-clock times
 * differ from run to run, so a close race of clocks may come out otherwise). Not thread-safe.
 */
final class Simulation {
    /** What a run did, for the log line of a seed; {@code histories} tells the story of rows the violations name. */
    record Outcome(long seed, int operations, int writes, int syncs, int crashes, int failedSyncs, int lostAnswers,
                   int restarts, int lateCommits, Map<String, Integer> decisions, Duration took,
                   List<String> violations, String histories) implements SimulationSeeds.Outcome {
        @Override
        public String toString() {
            return "seed " + seed + ": " + operations + " operations, " + writes + " app writes, " + syncs + " syncs, "
                    + crashes + " crashes mid-sync, " + failedSyncs + " syncs failed after retries, " + lostAnswers
                    + " answers lost, " + restarts + " server restarts, " + lateCommits + " late commits;"
                    + " server decisions " + decisions + "; "
                    + took.toMillis() + " ms; " + violations.size() + " violations";
        }
    }

    private static final Map<String, Integer> USERS = new LinkedHashMap<>(Map.of("ann", 4, "ben", 4, "cho", 3));
    private static final List<String> PALETTE = List.of("red", "green", "blue");
    private static final long HOUR_MS = 3_600_000;
    private static final SimulatedDevice.Tables TABLES =
            new SimulatedDevice.Tables(ClientFixture.CLIENT_SCHEMA, ExpectedServer.COLUMNS);

    private final long seed;
    private final Random random;
    /** The database; {@link #ds} is a pool of it for the checks, and the server has a pool of its own. */
    private final DataSource database;
    private final HikariDataSource ds;
    private final Path dir;
    private final int operations;
    private final SyncConfig config = SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags"));
    private final WriteLedger ledger = new WriteLedger();
    private final ExpectedServer model;
    private final RowHistory history;
    private final List<SimulatedDevice> devices = new ArrayList<>();
    /** Rows only one device may touch: "table\0id" to that device's node id. */
    private final Map<String, String> privateRows = new HashMap<>();
    private final boolean twoInstances;
    private SimulatedServers servers;
    private int counter;
    private int restarts;
    private int lostBefore;
    private final LateWriters lateWriters;

    Simulation(long seed, DataSource database, Path dir, int operations) {
        this(seed, database, dir, operations, false);
    }

    /**
     * @param twoInstances whether devices are spread over two server instances on the database, one of them in a
     *                     process of its own that each restart kills with SIGKILL mid-run ({@link SimulatedServers})
     */
    Simulation(long seed, DataSource database, Path dir, int operations, boolean twoInstances) {
        this.twoInstances = twoInstances;
        this.seed = seed;
        this.random = new Random(seed);
        this.database = database;
        this.ds = pool(database, 2, "sim-checks");
        this.dir = dir;
        this.operations = operations;
        this.model = new ExpectedServer(ds, config.maxClockSkew().toMillis(), ledger);
        this.history = new RowHistory(model);
        this.lateWriters = new LateWriters(database, random, history);
    }

    /**
     * Runs the seed and returns what it did and every violation found:
     * <ul>
     *   <li>each push, as it happens: the server's answers and change log agree with the rules ({@link ExpectedServer})
     *       and each pushed change is the net effect of the app's writes ({@link WriteLedger});</li>
     *   <li>after each quiet period (twice during the run, after which the run goes on, and at the end): the server
     *       holds what the rules produce, row by row and column by column; each node's changes
     *       were written as often as the rules say (never twice); every app write went out; every row inserted and
     *       never deleted is live with values some app wrote; every device holds exactly its user's live rows with
     *       the server's values, and the server's deleted state for every row it holds; every outbox is empty.</li>
     * </ul>
     */
    Outcome run() throws Exception {
        long started = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(ClientFixture.SERVER_SCHEMA);
            s.execute(LateWriters.TABLE);
            // PostgreSQL itself never crashes here: commits need not wait for the disk (the test's choice, for speed)
            s.execute("ALTER DATABASE " + c.getCatalog() + " SET synchronous_commit = off");
        }
        SyncSchema.install(ds, config);
        startServer();
        try {
            createDevices();
            List<Integer> restartAt = List.of(operations / 4 + random.nextInt(operations / 2),
                    operations / 4 + random.nextInt(operations / 2));
            List<Integer> quietAt = List.of(operations / 4 + random.nextInt(operations / 4),
                    operations / 2 + random.nextInt(operations / 4));
            List<String> violations = new ArrayList<>();
            for (int step = 0; step < operations; step++) {
                if (restartAt.contains(step)) {
                    restartServer();
                }
                if (quietAt.contains(step)) {
                    List<String> found = quietPeriod();
                    for (String v : found) {
                        violations.add("after the quiet period at step " + step + ": " + v);
                    }
                    if (!found.isEmpty()) {
                        break; // what went wrong is in the histories; later steps would only blur it
                    }
                }
                lateWriters.step(step);
                act(step, devices.get(random.nextInt(devices.size())));
            }
            if (violations.isEmpty()) {
                violations.addAll(quietPeriod());
            }
            violations.addAll(0, model.violations());
            int lost = SimulatedDevice.sum(devices, d -> d.transport.lost()) + lostBefore;
            return new Outcome(seed, operations, ledger.count(), SimulatedDevice.sum(devices, d -> d.syncs),
                    SimulatedDevice.sum(devices, d -> d.crashes), SimulatedDevice.sum(devices, d -> d.failedSyncs),
                    lost, restarts, lateWriters.commits(), model.counts(),
                    Duration.ofNanos(System.nanoTime() - started), violations, history.of(violations, 4));
        } finally {
            lateWriters.close();
            SimulatedDevice.closeAll(devices);
            if (servers != null) {
                servers.close();
            }
            ds.close();
        }
    }

    /** Servers as {@code mooring server} runs them: each one's requests share a small pool of connections. */
    private void startServer() throws Exception {
        servers = twoInstances ? SimulatedServers.twoInstances(database, config) : SimulatedServers.one(database, config);
    }

    /** A pool of {@code size} connections to the database. */
    static HikariDataSource pool(DataSource database, int size, String name) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setMaximumPoolSize(size);
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    private void createDevices() throws SQLException {
        Tokens tokens = Tokens.create(ds);
        for (Map.Entry<String, Integer> user : USERS.entrySet()) {
            for (int i = 1; i <= user.getValue(); i++) {
                String name = user.getKey() + "-" + i;
                ClientConfig config = ClientConfig.of("notes", "tags").withNodeId(name)
                        .withPullPageSize(3 + random.nextInt(8)).withPushBatchSize(2 + random.nextInt(5))
                        .withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO));
                SimulatedDevice device = new SimulatedDevice(user.getKey(), name, dir.resolve(name + ".db"), TABLES,
                        config, tokens.issue(user.getKey(), name).token(), random.nextInt(operations / 2), history);
                device.transport = transport(device);
                device.skewClock(randomOffset());
                devices.add(device);
            }
        }
    }

    /** No skew, a few minutes either way (within what the server tolerates), or up to an hour either way. */
    private long randomOffset() {
        int kind = random.nextInt(3);
        return kind == 0 ? 0 : kind == 1 ? random.nextLong(-300_000, 300_001) : random.nextLong(-HOUR_MS, HOUR_MS + 1);
    }

    private LossyTransport transport(SimulatedDevice device) {
        int index = devices.indexOf(device);
        return new LossyTransport(HttpTransport.create(servers.uriFor(index < 0 ? devices.size() : index), device.token),
                random, 0.1, history);
    }

    private void act(int step, SimulatedDevice device) throws Exception {
        int roll = random.nextInt(100);
        if (roll < 3) {
            device.skewClock(randomOffset());
        } else if (roll < 8) {
            device.offlineFor = 2 + random.nextInt(8);
        } else if (roll < 62 || device.offlineFor > 0 || step < device.joinsAt) {
            write(device);
            device.offlineFor = Math.max(0, device.offlineFor - 1);
        } else {
            device.sync(random, random.nextInt(100) < 15);
        }
    }

    private void write(SimulatedDevice device) throws SQLException {
        List<String> mine = new ArrayList<>();
        for (String table : ExpectedServer.COLUMNS.keySet().stream().sorted().toList()) {
            for (String id : device.liveRows(table)) {
                String owner = privateRows.get(table + '\u0000' + id);
                if (owner == null || owner.equals(device.node())) {
                    mine.add(table + '\u0000' + id);
                }
            }
        }
        int roll = random.nextInt(100);
        if (mine.size() < 3 || roll < 15) {
            String table = random.nextInt(5) == 0 ? "tags" : "notes";
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            id = table.equals("tags") ? "tag-" + id : id;
            Map<String, String> columns = new LinkedHashMap<>();
            columns.put("user_id", device.user);
            if (table.equals("notes")) {
                columns.put("title", "title " + ++counter);
                columns.put("body", random.nextBoolean() ? "body " + ++counter : null);
                columns.put("color", random.nextBoolean() ? PALETTE.get(random.nextInt(PALETTE.size())) : null);
            } else {
                columns.put("name", "name " + ++counter);
            }
            if (random.nextInt(100) < 25) {
                privateRows.put(table + '\u0000' + id, device.node());
            }
            device.insert(table, id, columns, ledger);
            return;
        }
        String row = mine.get(random.nextInt(mine.size()));
        String table = row.substring(0, row.indexOf('\u0000'));
        String id = row.substring(row.indexOf('\u0000') + 1);
        if (roll < 80) {
            device.update(table, id, editedColumns(random, table, () -> ++counter), ledger);
        } else {
            device.delete(table, id, ledger);
        }
    }

    /**
     * Every open transaction commits, every device comes online and syncs until nothing moves, and the state checks
     * run (see {@link #run()}); then lost answers resume.
     */
    private List<String> quietPeriod() throws SQLException {
        lateWriters.commitAll();
        List<String> violations = new ArrayList<>();
        String stuck = SimulatedDevice.quiesce(devices, device -> device.sync(random, false));
        if (stuck != null) {
            violations.add(stuck);
        }
        violations.addAll(check());
        devices.forEach(d -> {
            d.transport.lossRate(0.1);
            d.offlineFor = 0;
        });
        return violations;
    }

    private void restartServer() throws Exception {
        restarts++;
        if (twoInstances) {
            // the other instance dies with SIGKILL while one of its devices syncs, and comes back on its port
            servers.killOtherAfter(random.nextInt(30));
            devices.get(1 + 2 * random.nextInt(devices.size() / 2)).sync(random, false);
            servers.revive();
            return;
        }
        servers.restartLocal();
        for (SimulatedDevice device : devices) {
            lostBefore += device.transport.lost();
            device.transport.close();
            device.transport = transport(device);
        }
    }

    private List<String> check() throws SQLException {
        List<String> problems = new ArrayList<>(model.checkServer());
        ledger.neverPushed().forEach(w -> problems.add("an app write never reached the server: " + w));
        Map<String, Map<String, JsonNode>> server = ExpectedServer.serverRows(ds);
        for (String row : ledger.insertedNeverDeleted()) {
            Map<String, JsonNode> values = server.get(row);
            String name = row.replace('\u0000', ' ');
            if (values == null || !values.get(ExpectedServer.TOMBSTONE).isNull()) {
                problems.add(name + " was inserted and never deleted but is " + (values == null ? "missing" : "deleted")
                        + " on the server");
                continue;
            }
            String table = row.substring(0, row.indexOf('\u0000'));
            for (String column : ExpectedServer.COLUMNS.get(table)) {
                if (!ledger.valuesWritten(row, column).contains(values.get(column))) {
                    problems.add(name + " has " + column + " = " + values.get(column) + ", which no app ever wrote");
                }
            }
        }
        for (SimulatedDevice device : devices) {
            problems.addAll(checkDevice(device, server));
        }
        return problems;
    }

    /** The device holds its user's rows as the server has them, and nothing waits in its outbox. */
    private List<String> checkDevice(SimulatedDevice device, Map<String, Map<String, JsonNode>> server)
            throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, JsonNode>> local = device.rows();
        try (Connection c = device.client.connection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM sync_queue),"
                    + " (SELECT count(*) FROM notes WHERE sync_status <> 'synced')"
                    + " + (SELECT count(*) FROM tags WHERE sync_status <> 'synced')")) {
                rs.next();
                if (rs.getLong(1) != 0 || rs.getLong(2) != 0 || device.client.pendingCount() != 0) {
                    problems.add(device + " still has " + rs.getLong(1) + " outbox entries and " + rs.getLong(2)
                            + " rows not synced: " + device.client.outbox());
                }
            }
        }
        server.forEach((key, values) -> {
            if (!values.get("user_id").asText().equals(device.user)) {
                return;
            }
            boolean tombstoned = !values.get(ExpectedServer.TOMBSTONE).isNull();
            Map<String, JsonNode> mine = local.remove(key);
            String table = key.substring(0, key.indexOf('\u0000'));
            String name = device + ": " + key.replace('\u0000', ' ');
            if (mine == null) {
                if (!tombstoned) {
                    problems.add(name + " is live on the server but missing on the device");
                }
                return;
            }
            boolean mineTombstoned = !mine.get(ExpectedServer.TOMBSTONE).isNull();
            // a tombstone's columns are not compared: a device keeps its own last values in a row it deleted (an
            // edit merged into its delete never goes out); they never show, since a row that comes back comes whole
            boolean same = mineTombstoned == tombstoned && (tombstoned || ExpectedServer.COLUMNS.get(table).stream()
                    .allMatch(col -> mine.get(col).equals(values.get(col))));
            if (!same) {
                problems.add(name + " is " + ExpectedServer.describe(table, mine, mineTombstoned)
                        + " on the device but " + ExpectedServer.describe(table, values, tombstoned) + " on the server");
            }
        });
        local.forEach((key, values) -> {
            // a row inserted and deleted before it went out is a delete of a row the server never had: the device
            // keeps its tombstone, the server has nothing
            if (values.get(ExpectedServer.TOMBSTONE).isNull()) {
                problems.add(device + ": " + key.replace('\u0000', ' ') + " is live on the device but the server does"
                        + " not have it (for this user)");
            }
        });
        return problems;
    }

    /** Random new values for an edit of a row of {@code table}: at least one column; {@code next} numbers values. */
    static Map<String, String> editedColumns(Random random, String table, java.util.function.IntSupplier next) {
        Map<String, String> columns = new LinkedHashMap<>();
        if (table.equals("tags")) {
            columns.put("name", "name " + next.getAsInt());
            return columns;
        }
        while (columns.isEmpty()) {
            if (random.nextBoolean()) {
                columns.put("title", "title " + next.getAsInt());
            }
            if (random.nextBoolean()) {
                columns.put("body", random.nextInt(5) == 0 ? null : "body " + next.getAsInt());
            }
            if (random.nextBoolean()) {
                columns.put("color", PALETTE.get(random.nextInt(PALETTE.size())));
            }
        }
        return columns;
    }
}
