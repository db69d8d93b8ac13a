package dev.mooring.server.client;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SharingTest;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.sync.client.SyncStep;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;

/**
 * One run of the shared-data simulation, driven by one seed: four users with two devices each keep a shared calendar
 * ({@link SharingTest#SCHEMA} and {@link SharingTest#RULES}: events, groups of events, shares of an event or a group
 * for viewing or editing, accepted by their recipient) on real SQLite files through the real client and a real
 * {@link SyncServer} over HTTP. Owners share, reshare, change permissions and unshare while recipients accept, leave,
 * edit and try what they may not ({@link SharedApps}); devices sync in random order, go offline, lose answers and
 * crash in the middle of syncs; another device's sync may run between a device's pull and its push; another
 * application's long transactions hold back what pulls deliver ({@link LateWriters}). Twice during the run, and at
 * the end, every open transaction commits, every device syncs until nothing moves and the checks run.
 *
 * <p>The invariants: (a) after each quiet period every device holds exactly the live rows its user may see, with the
 * server's values ({@link SharedViews#converged}); (b) after every pulled page no device holds a row its user may not
 * see now, unless its remove is still to come ({@link SharedViews#afterPull}), and no pull sends one
 * ({@link AccessWitness}); (c) the server applies no write without the rights for it and refuses none the rights allow
 * ({@link AccessWitness}); (d) no write the server acknowledged as applied is lost, and every app write reached the
 * server or was given up because its row moved out ({@link AccessWitness#lostWrites}, {@link WriteLedger}). Every
 * choice comes from one {@link Random} with the seed. Not thread-safe.
 */
final class SharedSimulation {
    /** What a run did, for the log line of a seed; {@code histories} tells the story of rows the violations name. */
    record Outcome(long seed, int operations, int writes, int syncs, int crashes, int failedSyncs, int lostAnswers,
                   int lateCommits, int removes, String checks, Map<String, Integer> apps,
                   Map<String, Integer> attempts, Duration took, List<String> violations, String histories)
            implements SimulationSeeds.Outcome {
        @Override
        public String toString() {
            return "seed " + seed + ": " + operations + " operations, " + writes + " app writes, " + syncs + " syncs, "
                    + crashes + " crashes mid-sync, " + failedSyncs + " syncs failed after retries, " + lostAnswers
                    + " answers lost, " + lateCommits + " late commits, " + removes + " removes pulled; " + checks
                    + "; apps did " + apps + "; changes to others' rows " + attempts + "; " + took.toMillis() + " ms; "
                    + violations.size() + " violations";
        }
    }

    /** User name to user id; the names make the node ids ({@code ann-1}) and the messages. */
    private static final Map<String, String> USERS = new LinkedHashMap<>();

    static {
        for (String name : List.of("ann", "ben", "cho", "dee")) {
            char c = name.charAt(0);
            USERS.put(name, c + "0000000-0000-0000-0000-00000000000" + c);
        }
    }

    private static final int DEVICES_PER_USER = 2;

    private final long seed;
    private final Random random;
    private final DataSource database;
    private final HikariDataSource ds;
    private final Path dir;
    private final int operations;
    private final WriteLedger ledger = new WriteLedger();
    private final Visibility visibility;
    private final Map<String, String> userOfNode = new HashMap<>();
    private final Map<String, String> names = new HashMap<>();
    private final AccessWitness witness;
    private final RowHistory history;
    private final SharedViews views;
    private final SharedApps apps;
    private final LateWriters lateWriters;
    private final List<SimulatedDevice> devices = new ArrayList<>();
    /** Whether a sync runs inside another's (see {@link #interleave}). */
    private boolean interleaving;
    /** What the quiet periods' checks found. */
    private final List<String> quietProblems = new ArrayList<>();

    SharedSimulation(long seed, DataSource database, Path dir, int operations) {
        this.seed = seed;
        this.random = new Random(seed);
        this.database = database;
        this.ds = Simulation.pool(database, 2, "shared-sim-checks");
        this.dir = dir;
        this.operations = operations;
        USERS.forEach((name, id) -> names.put(id, name));
        this.visibility = new Visibility(ds);
        this.witness = new AccessWitness(ds, visibility, ledger, userOfNode, names);
        this.history = new RowHistory(witness);
        this.views = new SharedViews(visibility, ledger, names);
        this.apps = new SharedApps(random, ledger, List.copyOf(USERS.values()));
        this.lateWriters = new LateWriters(database, random, history);
    }

    /** Runs the seed and returns what it did and every violation found (see the class comment). */
    Outcome run() throws Exception {
        long started = System.nanoTime();
        SyncConfig config = SyncConfigFile.parse(SharingTest.RULES, "the sharing rules of SharingTest");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(SharingTest.SCHEMA);
            s.execute(LateWriters.TABLE);
            // PostgreSQL itself never crashes here: commits need not wait for the disk (the test's choice, for speed)
            s.execute("ALTER DATABASE " + c.getCatalog() + " SET synchronous_commit = off");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, email, display_name)"
                    + " VALUES (CAST(? AS uuid), ?, ?)")) {
                for (Map.Entry<String, String> user : USERS.entrySet()) {
                    ps.setString(1, user.getValue());
                    ps.setString(2, user.getKey() + "@example.com");
                    ps.setString(3, Character.toUpperCase(user.getKey().charAt(0)) + user.getKey().substring(1));
                    ps.executeUpdate();
                }
            }
        }
        SyncSchema.install(ds, config);
        HikariDataSource serverPool = Simulation.pool(database, 4, "shared-sim-server");
        SyncServer server = SyncServer.start(serverPool, config, ServerOptions.defaults().withPort(0));
        try {
            createDevices(server);
            List<Integer> quietAt = List.of(operations / 4 + random.nextInt(operations / 4),
                    operations / 2 + random.nextInt(operations / 4));
            // the run stops at the first step that found something: what went wrong is in the histories, and later
            // steps would only blur it
            for (int step = 0; step < operations && violations().isEmpty(); step++) {
                if (quietAt.contains(step)) {
                    quietPeriod("after the quiet period at step " + step + ": ");
                }
                lateWriters.step(step);
                act(step, devices.get(random.nextInt(devices.size())));
            }
            if (violations().isEmpty()) {
                quietPeriod("at the end: ");
            }
            List<String> violations = violations();
            return new Outcome(seed, operations, ledger.count(), SimulatedDevice.sum(devices, d -> d.syncs),
                    SimulatedDevice.sum(devices, d -> d.crashes), SimulatedDevice.sum(devices, d -> d.failedSyncs),
                    SimulatedDevice.sum(devices, d -> d.transport.lost()), lateWriters.commits(), witness.removes(),
                    views.counts(), apps.done(), witness.attempts(), Duration.ofNanos(System.nanoTime() - started),
                    violations, history.of(violations, 4));
        } finally {
            lateWriters.close();
            SimulatedDevice.closeAll(devices);
            server.close();
            serverPool.close();
            ds.close();
        }
    }

    private void createDevices(SyncServer server) throws SQLException {
        Tokens tokens = Tokens.create(ds);
        for (Map.Entry<String, String> user : USERS.entrySet()) {
            for (int i = 1; i <= DEVICES_PER_USER; i++) {
                String name = user.getKey() + "-" + i;
                ClientConfig config = ClientConfig.of("users", "events", "groups", "event_groups", "shares")
                        .withNodeId(name).withPullPageSize(3 + random.nextInt(8))
                        .withPushBatchSize(2 + random.nextInt(5))
                        .withRetry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO));
                SimulatedDevice device = new SimulatedDevice(user.getValue(), name, dir.resolve(name + ".db"),
                        SharedApps.TABLES, config, tokens.issue(user.getValue(), name).token(),
                        random.nextInt(operations / 8), history);
                device.transport = new LossyTransport(HttpTransport.create(server.uri(), device.token), random, 0.1,
                        history);
                device.listen(new SyncListener() {
                    int pages;

                    @Override
                    public void stepCompleted(SyncStep step) {
                        if (step == SyncStep.HANDSHAKE) {
                            pages = 0;
                        } else if (step == SyncStep.PAGE_APPLIED) {
                            pages++;
                            views.afterPage(device);
                        } else if (step == SyncStep.PULLED) {
                            views.afterPull(device, pages > 0);
                            interleave(device);
                        }
                    }
                });
                userOfNode.put(name, user.getValue());
                devices.add(device);
            }
        }
    }

    private void act(int step, SimulatedDevice device) throws Exception {
        int roll = random.nextInt(100);
        if (roll < 5) {
            device.offlineFor = 2 + random.nextInt(8);
        } else if (roll < 60 || device.offlineFor > 0 || step < device.joinsAt) {
            apps.act(device);
            device.offlineFor = Math.max(0, device.offlineFor - 1);
        } else {
            sync(device, random.nextInt(100) < 15);
        }
    }

    /**
     * Now and then another device syncs between {@code device}'s pull and its push, as on a real server with many
     * clients: what {@code device} pushes next was made without seeing that sync's changes (an unshare, a permission
     * lowered, an edit), and the server must judge it by the rights at push time. Never more than one deep.
     */
    private void interleave(SimulatedDevice device) {
        if (interleaving || random.nextInt(100) >= 25) {
            return;
        }
        SimulatedDevice other = devices.get(random.nextInt(devices.size()));
        if (other == device || other.offlineFor > 0) {
            return;
        }
        interleaving = true;
        try {
            history.device(device.node(), other + " syncs between " + device + "'s pull and its push");
            sync(other, false);
        } catch (SQLException e) {
            quietProblems.add("could not sync " + other + " in the middle of " + device + "'s sync: " + e);
        } finally {
            interleaving = false;
        }
    }

    private SyncReport sync(SimulatedDevice device, boolean crash) throws SQLException {
        SyncReport report = device.sync(random, crash);
        views.rejections(device);
        return report;
    }

    /**
     * Every open transaction commits, every device comes online and syncs until nothing moves, and the checks run,
     * their findings prefixed with {@code when}; then answers are lost again.
     */
    private void quietPeriod(String when) throws SQLException {
        lateWriters.commitAll();
        List<String> problems = new ArrayList<>();
        String stuck = SimulatedDevice.quiesce(devices, device -> sync(device, false));
        if (stuck != null) {
            problems.add(stuck);
        }
        for (SimulatedDevice device : devices) {
            problems.addAll(views.converged(device));
        }
        problems.addAll(witness.lostWrites());
        ledger.neverPushed().forEach(w -> problems.add("(d) an app write never reached the server: " + w));
        problems.forEach(p -> quietProblems.add(when + p));
        devices.forEach(d -> {
            d.transport.lossRate(0.1);
            d.offlineFor = 0;
        });
    }

    /** Everything found so far. */
    private List<String> violations() {
        List<String> all = new ArrayList<>(witness.violations());
        all.addAll(views.violations());
        all.addAll(quietProblems);
        return all;
    }
}
