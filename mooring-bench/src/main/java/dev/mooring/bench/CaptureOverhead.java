package dev.mooring.bench;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.SyncClient;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sync client's capture triggers cost the application's own writes: the same inserts and updates of the
 * Reminders {@code events} table on a database with sync installed ({@link SyncClient#open}) and on one migrated the
 * same way without it. Both are in WAL mode and written through a plain connection with sqlite-jdbc's defaults (as
 * an app writes through {@link SyncClient#connection}). Each round uses two fresh databases; the contenders take
 * turns going first. Before each update phase the synced database's rows are marked synced and its outbox emptied,
 * as a sync would leave them, so the updates pay for the first edit of a synced row (the status write included).
 */
final class CaptureOverhead {
    private static final int USER = 3;
    private static final String UPDATE = "UPDATE events SET title = ?, remind_offset_minutes = ? WHERE id = ?";

    private final Path migrations;
    private final Path work;
    private final int rows;
    private final int txn;
    private final int autocommitRows;
    private final int rounds;

    CaptureOverhead(Path migrations, Path work, int rows, int txn, int autocommitRows, int rounds) {
        this.migrations = migrations;
        this.work = work;
        this.rows = rows;
        this.txn = txn;
        this.autocommitRows = autocommitRows;
        this.rounds = rounds;
    }

    private interface Phase {
        void run(Connection c, Object[][] data) throws Exception;
    }

    String run() throws Exception {
        Object[][] data = new Object[rows + autocommitRows][];
        for (int g = 1; g <= data.length; g++) {
            data[g - 1] = ReminderRows.event(USER, g);
        }
        Map<String, Phase> phases = new LinkedHashMap<>();
        phases.put(String.format("insert %,d, transactions of %,d", rows, txn), (c, d) -> insert(c, d, 0, rows, txn));
        phases.put(String.format("update %,d, transactions of %,d", rows, txn), (c, d) -> update(c, d, 0, rows, txn, "Edited "));
        phases.put(String.format("insert %,d, autocommit (one per transaction)", autocommitRows),
                (c, d) -> insert(c, d, rows, autocommitRows, 1));
        phases.put(String.format("update %,d, autocommit (one per transaction)", autocommitRows),
                (c, d) -> update(c, d, 0, autocommitRows, 1, "Edited again "));
        Map<String, List<double[]>> results = new LinkedHashMap<>(); // per phase: {without s, with s} per round
        phases.keySet().forEach(p -> results.put(p, new ArrayList<>()));
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            Path plainDb = work.resolve("capture-plain-" + round + ".db");
            Path syncedDb = work.resolve("capture-synced-" + round + ".db");
            ClientSyncBench.deleteDatabase(plainDb);
            ClientSyncBench.deleteDatabase(syncedDb);
            ClientSyncBench.migrate(plainDb, migrations);
            try (SyncClient client = SyncClient.open(syncedDb, ClientConfig.of(ClientSyncBench.TABLES.toArray(String[]::new))
                    .withMigrations(MigrationConfig.of("filesystem:" + migrations)));
                 Connection synced = client.connection();
                 Connection plain = DriverManager.getConnection("jdbc:sqlite:" + plainDb)) {
                try (Statement s = plain.createStatement()) {
                    s.execute("PRAGMA journal_mode = WAL");
                }
                for (Connection c : List.of(plain, synced)) {
                    try (Statement s = c.createStatement()) {
                        s.execute(ReminderRows.userSql(USER));
                    }
                }
                for (Map.Entry<String, Phase> phase : phases.entrySet()) {
                    if (phase.getKey().startsWith("update")) {
                        settleAsSynced(synced);
                    }
                    double[] seconds = new double[2];
                    for (int turn = 0; turn < 2; turn++) {
                        int contender = (turn + round) % 2; // 0 without sync, 1 with
                        Connection c = contender == 0 ? plain : synced;
                        try (Statement s = c.createStatement()) {
                            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                        }
                        Workspace.settleDisk();
                        long start = System.nanoTime();
                        phase.getValue().run(c, data);
                        seconds[contender] = (System.nanoTime() - start) / 1e9;
                    }
                    System.err.printf("  round %d: %s: without %.3f s, with %.3f s (%.2f×)%n", round, phase.getKey(),
                            seconds[0], seconds[1], seconds[1] / seconds[0]);
                    if (round > 0) {
                        results.get(phase.getKey()).add(seconds);
                    }
                }
            } finally {
                ClientSyncBench.deleteDatabase(plainDb);
                ClientSyncBench.deleteDatabase(syncedDb);
            }
        }
        StringBuilder out = new StringBuilder("### Capture overhead: the app's writes to `events` with sync installed vs"
                + " without (median of " + rounds + " rounds after a warm-up)\n\n"
                + "| writes | without sync, rows/s | with sync, rows/s | with / without (time), median | per round |\n"
                + "|---|---|---|---|---|\n");
        results.forEach((phase, list) -> {
            int n = phase.contains("autocommit") ? autocommitRows : rows;
            List<Double> without = new ArrayList<>();
            List<Double> with = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (double[] s : list) {
                without.add(n / s[0]);
                with.add(n / s[1]);
                ratios.add(s[1] / s[0]);
            }
            out.append(String.format("| %s | %,.0f | %,.0f | **%.2f×** | %s |%n", phase, ClientSyncBench.median(without),
                    ClientSyncBench.median(with), ClientSyncBench.median(ratios), ClientSyncBench.list(ratios, "%.2f")));
        });
        return out.append('\n').toString();
    }

    private static void insert(Connection c, Object[][] data, int from, int count, int perTransaction)
            throws Exception {
        c.setAutoCommit(perTransaction == 1);
        try (PreparedStatement ps = c.prepareStatement(ReminderRows.insertSql())) {
            for (int i = from; i < from + count; i++) {
                ReminderRows.bind(ps, data[i]);
                ps.executeUpdate();
                if (perTransaction > 1 && (i - from) % perTransaction == perTransaction - 1) {
                    c.commit();
                }
            }
        }
        if (perTransaction > 1) {
            c.commit();
        }
        c.setAutoCommit(true);
    }

    private static void update(Connection c, Object[][] data, int from, int count, int perTransaction, String title)
            throws Exception {
        c.setAutoCommit(perTransaction == 1);
        try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
            for (int i = from; i < from + count; i++) {
                ps.setString(1, title + i);
                ps.setInt(2, 30);
                ps.setString(3, (String) data[i][0]);
                ClientSyncBench.check(ps.executeUpdate() == 1, "no row " + data[i][0]);
                if (perTransaction > 1 && (i - from) % perTransaction == perTransaction - 1) {
                    c.commit();
                }
            }
        }
        if (perTransaction > 1) {
            c.commit();
        }
        c.setAutoCommit(true);
    }

    /** What a sync leaves: every row synced, the outbox empty; written as the sync engine writes, uncaptured. */
    private static void settleAsSynced(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("UPDATE sync_state SET applying = 1");
            s.execute("UPDATE events SET sync_status = 'synced'");
            s.execute("DELETE FROM sync_queue");
            s.execute("UPDATE sync_state SET applying = 0");
        }
        c.commit();
        c.setAutoCommit(true);
    }
}
