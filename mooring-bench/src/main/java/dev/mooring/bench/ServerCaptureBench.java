package dev.mooring.bench;

import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.server.Sharing;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncedTable;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What the sync server's capture costs the application's own writes (issue 18): the same inserts, updates and
 * deletes of the Reminders example's {@code events}, written through plain JDBC as the app's own server code writes
 * them (no {@code mooring.*} settings: captured with source {@code api} and the server's clock), on a database with
 * sync installed from the example's {@code sync.yaml} and on one migrated the same way without it, both on one
 * embedded PostgreSQL. With {@code --capture-only true} a third database has sync installed without the sharing
 * rules: its triggers are the capture alone, without the sharing triggers {@code sync.yaml}'s rules add to
 * {@code events}. With {@code --logical true} the server runs with {@code wal_level = logical} and one more
 * database has the capture-only install with its capture triggers switched off for logical decoding
 * ({@link LogicalCapture}): its writes are measured twice, the write alone and the write until its changes are in
 * the change log; every contender's writes then run with that slot being read on the server. The WAL writer then
 * wakes every 10 ms instead of 200: on PostgreSQL 18 here a logical walsender sent a commit only when the WAL writer
 * next ran (150 ms after a single-row insert at the default, 10 ms at 10 ms).
 *
 * <p>Each round runs every operation on every database in turn, the order rotating from round to round, then
 * vacuums them (autovacuum is off for the written tables, so it never runs during a measurement); round 0 warms up.
 * Each database is written through one connection kept for the whole run, as a pooled app connection is. Operations:
 * single-row inserts, updates and deletes in autocommit (one transaction each), the same in transactions of
 * {@code --txn} rows sent as JDBC batches, and one {@code INSERT … SELECT}, {@code UPDATE … WHERE} and
 * {@code DELETE … WHERE} of {@code --set-rows} rows. A round checks that the synced databases logged one change per
 * row written.
 * <pre>
 * java -Xms1g -Xmx1g -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.ServerCaptureBench [--rounds 5]
 *      [--single-rows 1000] [--rows 10000] [--txn 100] [--set-rows 5000] [--preload 100000] [--scale 1]
 *      [--capture-only false] [--logical false] [--explain false] [--examples examples/reminders] [--markdown FILE]
 * </pre>
 * {@code --scale} multiplies the row counts ({@code --scale 0.05 --rounds 1}: a smoke run, not a measurement).
 * {@code --explain true} writes, after the rounds, one row of each operation (the set operations: 10 rows) on each
 * database with every statement's plan, the triggers' included, printed to standard error
 * ({@link ExplainedStatements}). Run from the repository root (the example is read from {@code examples/reminders}).
 */
public final class ServerCaptureBench {
    private static final double INSERT_TARGET = 1.3;
    private static final double UPDATE_TARGET = 1.5;
    private static final String BASELINE = "without capture";
    private static final int PRELOAD_USER = 1;
    private static final int SINGLE_USER = 3;
    private static final int BATCH_USER = 4;
    private static final int SET_USER = 5;
    private static final String UPDATE = "UPDATE events SET title = ?, remind_offset_minutes = ? WHERE id = ?";
    private static final String DELETE = "DELETE FROM events WHERE id = ?";

    /** One kind of write: performs it with {@code rows} rows on {@code c} and returns the rows written. */
    private interface Write {
        long run(Connection c, int rows, int round) throws SQLException;
    }

    private record Operation(String name, String kind, int rows, Write write) {
    }

    private record Contender(String name, String database, SyncConfig config, boolean logical) {
        Contender(String name, String database, SyncConfig config) {
            this(name, database, config, false);
        }
    }

    private static final String UNTIL_LOGGED = ", until logged";

    private final Map<String, String> options;
    private final Path examples;
    private final int txn;
    /** The logical decoding contender's capture, by contender name. */
    private final Map<String, LogicalCapture> captures = new LinkedHashMap<>();

    private ServerCaptureBench(Map<String, String> options) {
        this.options = options;
        this.examples = Path.of(options.getOrDefault("--examples", "examples/reminders")).toAbsolutePath();
        this.txn = Integer.parseInt(options.getOrDefault("--txn", "100"));
    }

    public static void main(String[] args) throws Exception {
        ServerCaptureBench bench = new ServerCaptureBench(BenchOptions.parse(args));
        String report;
        boolean logical = Boolean.parseBoolean(bench.options.getOrDefault("--logical", "false"));
        try (EmbeddedPostgresServer pg = logical ? EmbeddedPostgresServer.startTemporary(Map.of("wal_level", "logical",
                "max_replication_slots", "4", "max_wal_senders", "4", "wal_writer_delay", "10ms")) : EmbeddedPostgresServer.startTemporary()) {
            report = bench.run(pg);
        }
        System.out.println(report);
        if (bench.options.containsKey("--markdown")) {
            Files.writeString(Path.of(bench.options.get("--markdown")), report);
        }
    }

    private int rows(String option, int fallback) {
        double scale = Double.parseDouble(options.getOrDefault("--scale", "1"));
        return Math.max(1, (int) Math.round(Integer.parseInt(options.getOrDefault(option, Integer.toString(fallback)))
                * scale));
    }

    private String run(EmbeddedPostgresServer pg) throws Exception {
        int rounds = Integer.parseInt(options.getOrDefault("--rounds", "5"));
        SyncConfig synced = ReminderServer.syncConfig(examples);
        List<Contender> contenders = new ArrayList<>(List.of(new Contender(BASELINE, "plain", null),
                new Contender("with sync", "synced", synced)));
        List<SyncedTable> tables = synced.tables().stream().map(t -> t.withSharing(Sharing.NONE)).toList();
        SyncConfig captureOnly = new SyncConfig(tables, synced.tombstoneRetention(), synced.maxClockSkew());
        if (Boolean.parseBoolean(options.getOrDefault("--capture-only", "false"))) {
            contenders.add(new Contender("capture only", "capture_only", captureOnly));
        }
        if (Boolean.parseBoolean(options.getOrDefault("--logical", "false"))) {
            contenders.add(new Contender("logical decoding", "logical", captureOnly, true));
        }
        // the report's columns: each contender's writes, and the logical one's until its changes are logged
        List<String> columns = new ArrayList<>();
        for (Contender contender : contenders) {
            columns.add(contender.name());
            if (contender.logical()) {
                columns.add(contender.name() + UNTIL_LOGGED);
            }
        }
        Map<String, Long> toLog = new LinkedHashMap<>();
        List<Operation> operations = operations();
        Map<String, Connection> connections = new LinkedHashMap<>();
        try {
            for (Contender contender : contenders) {
                connections.put(contender.name(), prepare(pg, contender));
            }
            // operation -> contender -> seconds per round
            Map<String, Map<String, List<Double>>> seconds = new LinkedHashMap<>();
            List<String> order = new ArrayList<>(connections.keySet());
            for (int round = 0; round <= rounds; round++) {
                Collections.rotate(order, 1);
                Map<String, Long> logged = logged(contenders, connections);
                long written = 0;
                for (Operation op : operations) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  round %d: %-48s", round,
                            op.name()));
                    for (String name : order) {
                        Connection c = connections.get(name);
                        settle(c);
                        long start = System.nanoTime();
                        long rows = op.write().run(c, op.rows(), round);
                        double s = (System.nanoTime() - start) / 1e9;
                        ClientSyncBench.check(rows == op.rows(), op.name() + " wrote " + rows + " rows on " + name);
                        Map<String, Double> measured = new LinkedHashMap<>();
                        measured.put(name, s);
                        LogicalCapture capture = captures.get(name);
                        if (capture != null) {
                            capture.awaitLogged(toLog.merge(name, rows, Long::sum));
                            measured.put(name + UNTIL_LOGGED, (System.nanoTime() - start) / 1e9);
                        }
                        for (Map.Entry<String, Double> m : measured.entrySet()) {
                            if (round > 0) {
                                seconds.computeIfAbsent(op.name(), k -> new LinkedHashMap<>())
                                        .computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(m.getValue());
                            }
                            line.append(String.format(Locale.ROOT, " %s %.3f s", m.getKey(), m.getValue()));
                        }
                    }
                    System.err.println(line);
                    written += op.rows();
                }
                checkCaptured(contenders, connections, logged, written);
                for (Connection c : connections.values()) {
                    vacuum(c);
                }
            }
            if (Boolean.parseBoolean(options.getOrDefault("--explain", "false"))) {
                explain(pg, contenders, operations);
            }
            return report(columns, operations, seconds, rounds);
        } finally {
            for (LogicalCapture capture : captures.values()) {
                capture.close();
            }
            for (Connection c : connections.values()) {
                c.close();
            }
        }
    }

    private List<Operation> operations() {
        int single = rows("--single-rows", 1_000);
        int batched = rows("--rows", 10_000);
        int set = rows("--set-rows", 5_000);
        Object[][] singleRows = events(SINGLE_USER, single);
        Object[][] batchedRows = events(BATCH_USER, batched);
        String inTxn = String.format(Locale.ROOT, "transactions of %,d (JDBC batches)", txn);
        return List.of(
                new Operation(String.format(Locale.ROOT, "insert %,d, autocommit", single), "insert", single,
                        (c, n, round) -> insert(c, singleRows, n, 1)),
                new Operation(String.format(Locale.ROOT, "insert %,d, %s", batched, inTxn), "insert", batched,
                        (c, n, round) -> insert(c, batchedRows, n, txn)),
                new Operation(String.format(Locale.ROOT, "INSERT … SELECT of %,d rows", set), "insert", set,
                        (c, n, round) -> statement(c, ReminderRows.eventsSql(SET_USER, n))),
                new Operation(String.format(Locale.ROOT, "update %,d, autocommit", single), "update", single,
                        (c, n, round) -> update(c, singleRows, n, 1, round)),
                new Operation(String.format(Locale.ROOT, "update %,d, %s", batched, inTxn), "update", batched,
                        (c, n, round) -> update(c, batchedRows, n, txn, round)),
                new Operation(String.format(Locale.ROOT, "UPDATE … WHERE of %,d rows", set), "update", set,
                        (c, n, round) -> statement(c, "UPDATE events SET title = title || ' (edited)',"
                                + " remind_offset_minutes = remind_offset_minutes + 15 WHERE user_id = '"
                                + ReminderRows.userId(SET_USER) + "'")),
                new Operation(String.format(Locale.ROOT, "delete %,d, autocommit", single), "delete", single,
                        (c, n, round) -> delete(c, singleRows, n, 1)),
                new Operation(String.format(Locale.ROOT, "delete %,d, %s", batched, inTxn), "delete", batched,
                        (c, n, round) -> delete(c, batchedRows, n, txn)),
                new Operation(String.format(Locale.ROOT, "DELETE … WHERE of %,d rows", set), "delete", set,
                        (c, n, round) -> statement(c, "DELETE FROM events WHERE user_id = '"
                                + ReminderRows.userId(SET_USER) + "'")));
    }

    private static Object[][] events(int user, int count) {
        Object[][] rows = new Object[count][];
        for (int g = 1; g <= count; g++) {
            rows[g - 1] = ReminderRows.event(user, g);
        }
        return rows;
    }

    /**
     * A new database of the example's schema (sync installed as {@code contender} says), its users, and
     * {@code --preload} events of another user, written through the capture where there is one; returns the one
     * connection the contender's writes go through.
     */
    private Connection prepare(EmbeddedPostgresServer pg, Contender contender) throws Exception {
        pg.createDatabaseIfMissing(contender.database());
        DataSource ds = pg.dataSource(contender.database());
        ReminderServer.migrate(ds, examples, contender.config());
        Connection c = ds.getConnection();
        try (Statement s = c.createStatement()) {
            for (int user : new int[]{PRELOAD_USER, SINGLE_USER, BATCH_USER, SET_USER}) {
                s.execute(ReminderRows.userSql(user));
            }
            s.execute(ReminderRows.eventsSql(PRELOAD_USER, rows("--preload", 100_000)));
            // Vacuumed between rounds instead, so that it never runs during a measurement.
            s.execute("ALTER TABLE events SET (autovacuum_enabled = off)");
            if (contender.config() != null) {
                for (String table : List.of("change_log", "column_versions", "shared_feed")) {
                    s.execute("ALTER TABLE mooring." + table + " SET (autovacuum_enabled = off)");
                }
            }
            s.execute("VACUUM (FREEZE, ANALYZE)");
        }
        if (contender.logical()) {
            captures.put(contender.name(), LogicalCapture.start(ds, pg.url(contender.database()), "events", "user_id"));
        }
        return c;
    }

    private static void settle(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
        Workspace.settleDisk();
    }

    private static void vacuum(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE)");
        }
    }

    private static long statement(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps, int row) throws SQLException;
    }

    /** {@code count} executions of {@code sql}, one per transaction ({@code perTransaction} 1) or in JDBC batches. */
    private static long each(Connection c, String sql, int count, int perTransaction, Binder binder)
            throws SQLException {
        long written = 0;
        c.setAutoCommit(perTransaction == 1);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < count; i++) {
                binder.bind(ps, i);
                if (perTransaction == 1) {
                    written += ps.executeUpdate();
                    continue;
                }
                ps.addBatch();
                if (i % perTransaction == perTransaction - 1 || i == count - 1) {
                    for (int n : ps.executeBatch()) {
                        written += n;
                    }
                    c.commit();
                }
            }
        } finally {
            c.setAutoCommit(true);
        }
        return written;
    }

    private static long insert(Connection c, Object[][] rows, int count, int perTransaction) throws SQLException {
        return each(c, ReminderRows.insertSql(), count, perTransaction, (ps, i) -> ReminderRows.bindServer(ps, rows[i]));
    }

    private static long update(Connection c, Object[][] rows, int count, int perTransaction, int round)
            throws SQLException {
        return each(c, UPDATE, count, perTransaction, (ps, i) -> {
            ps.setString(1, "Edited in round " + round + " #" + i);
            ps.setInt(2, 30);
            ps.setObject(3, UUID.fromString((String) rows[i][0]));
        });
    }

    private static long delete(Connection c, Object[][] rows, int count, int perTransaction) throws SQLException {
        return each(c, DELETE, count, perTransaction, (ps, i) -> ps.setObject(1, UUID.fromString((String) rows[i][0])));
    }

    /** How many changes of {@code events} each database with sync has logged. */
    private static Map<String, Long> logged(List<Contender> contenders, Map<String, Connection> connections)
            throws SQLException {
        Map<String, Long> logged = new LinkedHashMap<>();
        for (Contender contender : contenders) {
            if (contender.config() != null) {
                try (Statement s = connections.get(contender.name()).createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM mooring.change_log WHERE table_name = 'events'")) {
                    rs.next();
                    logged.put(contender.name(), rs.getLong(1));
                }
            }
        }
        return logged;
    }

    /** Every row a round wrote has its change in the log: the capture measured is the capture that works. */
    private static void checkCaptured(List<Contender> contenders, Map<String, Connection> connections,
                                      Map<String, Long> before, long written) throws SQLException {
        Map<String, Long> after = logged(contenders, connections);
        before.forEach((name, count) -> ClientSyncBench.check(after.get(name) - count == written,
                name + " logged " + (after.get(name) - count) + " changes of " + written + " rows written"));
    }

    /** One small instance of every operation on every database, each statement's plan printed. */
    private void explain(EmbeddedPostgresServer pg, List<Contender> contenders, List<Operation> operations)
            throws Exception {
        for (Contender contender : contenders.stream().filter(c -> !c.logical()).toList()) {
            try (Connection c = ExplainedStatements.wrap(pg.dataSource(contender.database()), System.err)
                    .getConnection()) {
                for (Operation op : operations) {
                    System.err.println("---- " + contender.name() + ": " + op.name() + " (explained)");
                    op.write().run(c, op.name().contains(" … ") ? 10 : 1, -1);
                }
            }
        }
    }

    private String report(List<String> columns, List<Operation> operations,
                          Map<String, Map<String, List<Double>>> seconds, int rounds) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "### Server capture overhead: the app's writes"
                + " to `events` with sync installed vs without (ms per operation over %d rounds after a warm-up)%n%n",
                rounds));
        StringBuilder head = new StringBuilder("| operation |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String column : columns) {
            head.append(' ').append(column).append(", ms min / median / max |");
            rule.append("---|");
        }
        for (String column : columns.subList(1, columns.size())) {
            head.append(' ').append(column).append(" / ").append(BASELINE).append(", median (min–max) |");
            rule.append("---|");
        }
        out.append(head).append(" target |\n").append(rule).append("---|\n");
        for (Operation op : operations) {
            Map<String, List<Double>> byContender = seconds.get(op.name());
            out.append("| ").append(op.name()).append(" |");
            for (String column : columns) {
                List<Double> s = byContender.get(column);
                out.append(String.format(Locale.ROOT, " %.0f / %.0f / %.0f |", Collections.min(s) * 1e3,
                        ClientSyncBench.median(s) * 1e3, Collections.max(s) * 1e3));
            }
            double target = op.kind().equals("insert") ? INSERT_TARGET : op.kind().equals("update") ? UPDATE_TARGET : 0;
            String verdict = "–";
            for (String column : columns.subList(1, columns.size())) {
                List<Double> ratios = new ArrayList<>();
                List<Double> base = byContender.get(BASELINE);
                List<Double> with = byContender.get(column);
                for (int i = 0; i < base.size(); i++) {
                    ratios.add(with.get(i) / base.get(i));
                }
                double median = ClientSyncBench.median(ratios);
                out.append(String.format(Locale.ROOT, " **%.2f×** (%.2f–%.2f) |", median, Collections.min(ratios),
                        Collections.max(ratios)));
                if (column.equals(columns.get(1)) && target > 0) {
                    verdict = String.format(Locale.ROOT, "≤ %.1f×: %s", target, median <= target ? "met" : "**missed**");
                }
            }
            out.append(' ').append(verdict).append(" |\n");
        }
        return out.append('\n').toString();
    }
}
