package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncedTable;
import dev.mooring.server.Tokens;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExchangeFile;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncReport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * One run of the peer simulation, driven by one seed: three devices of one user write rows, sync with a real
 * {@link SyncServer} over HTTP (some answers lost on the way back, so batches go again) and exchange changes with each
 * other directly, through exchange files or in memory (some exchanges send only the later changes), in random order,
 * with clocks off by up to an hour. Then every device syncs until nothing moves, and the checks run: see
 * {@link #run()}. Every choice comes from the seed. Not thread-safe.
 */
final class PeerSimulation {
    /** What a run did, for the log line of a seed. */
    record Outcome(long seed, int operations, int writes, int syncs, int exchanges, int lostAnswers,
                   Map<ChangeStatus, Integer> statuses, int relayed, Duration took, List<String> violations,
                   String histories) implements SimulationSeeds.Outcome {
        @Override
        public String toString() {
            return "seed " + seed + ": " + operations + " operations, " + writes + " app writes, " + syncs + " syncs, "
                    + exchanges + " peer exchanges, " + lostAnswers + " answers lost; " + relayed + " relayed"
                    + " changes pushed, server answers " + statuses + "; " + took.toMillis() + " ms; "
                    + violations.size() + " violations";
        }
    }

    private static final String USER = "ann";
    private static final List<String> PALETTE = List.of("red", "green", "blue");
    private static final long HOUR_MS = 3_600_000;

    private final long seed;
    private final Random random;
    /**
     * Where exchanges that send only later changes cut them: a stream of its own, so the rest of a seed's choices
     * stay as they were before those exchanges existed.
     */
    private final Random cuts;
    private final DataSource database;
    private final Path dir;
    private final int operations;
    private final SyncConfig config = SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags"));
    private final WriteLedger ledger = new WriteLedger();
    private final Answers answers = new Answers();
    private final RowHistory history = new RowHistory(answers);
    private final List<SimulatedDevice> devices = new ArrayList<>();
    private int counter;
    private int syncs;
    private int exchanges;

    PeerSimulation(long seed, DataSource database, Path dir, int operations) {
        this.seed = seed;
        this.random = new Random(seed);
        this.cuts = new Random(~seed);
        this.database = database;
        this.dir = dir;
        this.operations = operations;
    }

    /**
     * Every answer the server gave, whoever pushed: no change of any origin may be applied twice (relayed by one
     * device and pushed by its origin, say), and none may be refused (every device is the same user's).
     */
    private static final class Answers implements LossyTransport.Witness {
        final Map<String, ChangeStatus> decided = new HashMap<>();
        final Map<ChangeStatus, Integer> statuses = new TreeMap<>();
        final List<String> violations = new ArrayList<>();
        int relayed;

        @Override
        public void pushed(PushRequest request, PushResponse response, long wallBefore, long wallAfter) {
            for (int i = 0; i < request.changes().size(); i++) {
                RowChange change = request.changes().get(i);
                ChangeResult result = response.results().get(i);
                statuses.merge(result.status(), 1, Integer::sum);
                relayed += change.nodeId().equals(request.nodeId()) ? 0 : 1;
                String key = change.nodeId() + " #" + change.clientSeq();
                switch (result.status()) {
                    case DUPLICATE, DEFERRED -> {
                        if (result.status() == ChangeStatus.DUPLICATE && !decided.containsKey(key)) {
                            violations.add(key + " was answered duplicate before it was ever decided");
                        }
                    }
                    case REJECTED -> violations.add(key + " (" + change.table() + " " + change.id() + ") pushed by "
                            + request.nodeId() + " was rejected: " + result.reason());
                    default -> {
                        if (decided.put(key, result.status()) != null) {
                            violations.add(key + " (" + change.table() + " " + change.id() + ") was decided twice, the"
                                    + " second time when " + request.nodeId() + " pushed it");
                        }
                    }
                }
            }
        }
    }

    /**
     * Runs the seed and returns what it did and every violation found, at the end: no change was decided twice or
     * refused; every sequence number each device used reached the server exactly once; every row inserted and never
     * deleted is live on the server with values some app wrote; every device holds exactly the user's rows with the
     * server's values and deleted state, and an empty outbox.
     */
    Outcome run() throws Exception {
        long started = System.nanoTime();
        try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
            s.execute(ClientFixture.SERVER_SCHEMA);
        }
        HikariDataSource pool = pool(database);
        SyncSchema.install(pool, config);
        SyncServer server = SyncServer.start(pool, config, ServerOptions.defaults().withPort(0));
        try {
            Tokens tokens = Tokens.create(pool);
            for (int i = 1; i <= 3; i++) {
                String name = USER + "-" + i;
                ClientConfig client = ClientConfig.of("notes", "tags").withNodeId(name)
                        .withPullPageSize(3 + random.nextInt(8)).withPushBatchSize(2 + random.nextInt(5))
                        .withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO));
                SimulatedDevice device = new SimulatedDevice(USER, name, dir.resolve(name + ".db"),
                        new SimulatedDevice.Tables(ClientFixture.CLIENT_SCHEMA, ExpectedServer.COLUMNS), client,
                        tokens.issue(USER, name).token(), 0, history);
                device.transport = new LossyTransport(HttpTransport.create(server.uri(), device.token), random, 0.1,
                        history);
                devices.add(device);
                sync(device); // a device learns its user from the server before it exchanges with peers
            }
            for (int step = 0; step < operations; step++) {
                act(devices.get(random.nextInt(devices.size())));
            }
            List<String> violations = new ArrayList<>();
            String stuck = SimulatedDevice.quiesce(devices, this::sync);
            if (stuck != null) {
                violations.add(stuck);
            }
            violations.addAll(answers.violations);
            violations.addAll(check(pool));
            int lost = devices.stream().mapToInt(d -> d.transport.lost()).sum();
            return new Outcome(seed, operations, ledger.count(), syncs, exchanges, lost, answers.statuses,
                    answers.relayed, Duration.ofNanos(System.nanoTime() - started), violations,
                    history.of(violations, 4));
        } finally {
            SimulatedDevice.closeAll(devices);
            server.close();
            pool.close();
        }
    }

    private static HikariDataSource pool(DataSource database) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setMaximumPoolSize(4);
        config.setPoolName("peer-sim");
        return new HikariDataSource(config);
    }

    private void act(SimulatedDevice device) throws Exception {
        int roll = random.nextInt(100);
        if (roll < 3) {
            device.skewClock(random.nextBoolean() ? 0 : random.nextLong(-HOUR_MS, HOUR_MS + 1));
        } else if (roll < 55) {
            write(device);
        } else if (roll < 75) {
            sync(device);
        } else {
            SimulatedDevice other = devices.get(random.nextInt(devices.size()));
            if (other != device) {
                exchange(device, other);
                if (random.nextBoolean()) {
                    exchange(other, device); // both directions, as the peer endpoint does
                }
            }
        }
    }

    private void write(SimulatedDevice device) throws SQLException {
        List<String> live = new ArrayList<>();
        for (String table : List.of("notes", "tags")) {
            device.liveRows(table).forEach(id -> live.add(table + '\u0000' + id));
        }
        int roll = random.nextInt(100);
        if (live.size() < 3 || roll < 20) {
            String table = random.nextInt(5) == 0 ? "tags" : "notes";
            String id = new UUID(random.nextLong(), random.nextLong()).toString();
            id = table.equals("tags") ? "tag-" + id : id;
            Map<String, String> columns = new LinkedHashMap<>();
            columns.put("user_id", USER);
            if (table.equals("notes")) {
                columns.put("title", "title " + ++counter);
                columns.put("body", random.nextBoolean() ? "body " + ++counter : null);
                columns.put("color", random.nextBoolean() ? PALETTE.get(random.nextInt(PALETTE.size())) : null);
            } else {
                columns.put("name", "name " + ++counter);
            }
            device.insert(table, id, columns, ledger);
            return;
        }
        String row = live.get(random.nextInt(live.size()));
        String table = row.substring(0, row.indexOf('\u0000'));
        String id = row.substring(row.indexOf('\u0000') + 1);
        if (roll < 88) {
            device.update(table, id, Simulation.editedColumns(random, table, () -> ++counter), ledger);
        } else {
            device.delete(table, id, ledger);
        }
    }

    private SyncReport sync(SimulatedDevice device) {
        syncs++;
        try {
            return device.client.sync(device.transport);
        } catch (MooringException e) {
            if (e.code() != ErrorCode.SYNC_UNAVAILABLE) {
                throw e;
            }
            history.device(device.node(), device + "'s sync failed: " + e.getMessage());
            return null;
        }
    }

    /**
     * {@code from}'s changes go to {@code to}: through the bytes of an exchange file, or handed over as they are. One
     * time in four only those after a time go (and only the rows synced after it), as an exchange that picks up where
     * an earlier one stopped sends them: {@code to} may then hold a change of an origin without its earlier ones,
     * which the server defers until they reach it.
     */
    private void exchange(SimulatedDevice from, SimulatedDevice to) throws Exception {
        exchanges++;
        Hlc since = null;
        if (cuts.nextInt(4) == 0) {
            List<RowChange> all = from.client.exportChanges(null).changes();
            since = all.isEmpty() ? null : all.get(cuts.nextInt(all.size())).hlc();
        }
        PeerChanges changes;
        if (random.nextBoolean()) {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            from.client.exportChanges(since, file);
            changes = PeerExchangeFile.read(new ByteArrayInputStream(file.toByteArray()), "the simulated file");
        } else {
            changes = from.client.exportChanges(since);
        }
        if (since != null) {
            Hlc after = since;
            changes = new PeerChanges(changes.from(), changes.cursor(), since,
                    changes.changes().stream().filter(change -> change.hlc().compareTo(after) > 0).toList(),
                    changes.rows());
            history.device(to.node(), to + " imports from " + from + " only the changes after " + since);
        }
        for (RowChange change : changes.changes()) {
            history.record(to.node(), change.id(), to + " imports from " + from + ": " + WriteLedger.describe(change));
        }
        to.client.importChanges(changes);
    }

    private List<String> check(DataSource ds) throws SQLException {
        List<String> problems = new ArrayList<>();
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
        Map<String, String> serverRows;
        try (Connection c = ds.getConnection()) {
            serverRows = comparable(ClientFixture.rows(c, true));
        }
        for (SimulatedDevice device : devices) {
            Map<String, String> local = comparable(ClientFixture.clientRows(device.client));
            // a row inserted and deleted before it went out is a delete of a row the server never had: the device
            // keeps its tombstone, the server has nothing
            local.entrySet().removeIf(row -> row.getValue().equals(DELETED) && !serverRows.containsKey(row.getKey()));
            // and a row deleted before the device's bootstrap never reaches it: a bootstrap sends no tombstones, nor
            // does a peer's full exchange create one (as ConvergenceSimulationTest checks too)
            Map<String, String> expected = new TreeMap<>(serverRows);
            expected.entrySet().removeIf(row -> row.getValue().equals(DELETED) && !local.containsKey(row.getKey()));
            if (!local.equals(expected)) {
                List<String> differ = new ArrayList<>();
                expected.forEach((key, value) -> {
                    if (!value.equals(local.get(key))) {
                        differ.add(key + " is " + local.get(key) + " on the device but " + value + " on the server");
                    }
                });
                local.keySet().stream().filter(key -> !expected.containsKey(key))
                        .forEach(key -> differ.add(key + " is " + local.get(key) + " on the device only"));
                problems.add(device + " differs from the server: " + differ);
            }
            if (!device.client.outbox().isEmpty()) {
                problems.add(device + " still has an outbox: " + device.client.outbox());
            }
            long used = Long.parseLong(ClientFixture.scalar(device.client, "SELECT next_client_seq - 1 FROM sync_state"));
            String lastSeq = scalarOf(ds, "SELECT last_seq FROM mooring.nodes WHERE node_id = '" + device.node() + "'");
            long decided = answers.decided.keySet().stream().filter(k -> k.startsWith(device.node() + " #")).count();
            if (!String.valueOf(used).equals(lastSeq) || decided != used) {
                problems.add(device + " numbered " + used + " changes, the server's last sequence for it is " + lastSeq
                        + " and " + decided + " of its changes were decided");
            }
        }
        return problems;
    }

    private static final String DELETED = "(deleted)";

    /**
     * Rows as "table id" to their values, a tombstone's values left out: a device keeps its own last values in a row
     * it deleted (an edit merged into its delete never goes out); they never show.
     */
    private static Map<String, String> comparable(List<String> rows) {
        Map<String, String> byKey = new TreeMap<>();
        for (String row : rows) {
            int colon = row.indexOf(": ");
            String values = row.substring(colon + 2);
            byKey.put(row.substring(0, colon), values.endsWith("deleted=true") ? DELETED : values);
        }
        return byKey;
    }

    private static String scalarOf(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
