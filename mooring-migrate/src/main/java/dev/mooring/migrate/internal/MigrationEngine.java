package dev.mooring.migrate.internal;

import dev.mooring.core.Dialects;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.migrate.AppliedMigration;
import dev.mooring.migrate.DryRunResult;
import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.MigrationCallback;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.MigrationFailedException;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.PlannedMigration;
import dev.mooring.migrate.ValidationFailedException;
import dev.mooring.migrate.ValidationReport;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Applies migrations: scan the locations, take the run lock, read the history once, plan, then apply each pending
 * migration in its own transaction (or, for {@code -- mooring:no-transaction} files, claim a row, run, and mark it
 * succeeded). Thread-safe: every call uses its own connections.
 */
public final class MigrationEngine {
    private final DataSource dataSource;
    private final MigrationConfig config;

    public MigrationEngine(DataSource dataSource, MigrationConfig config) {
        this.dataSource = dataSource;
        this.config = config;
    }

    /** The dialect and database operations for this data source. */
    Session open() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            Dialect dialect = Dialects.of(c);
            DatabaseOps ops = DatabaseOps.forDialect(dialect);
            ops.prepare(c, config.lockTimeout());
            return new Session(c, ops, new HistoryTable(ops, config.table()));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Runs each file scan on a fresh daemon thread: short-lived work that must not wait behind the application's. */
    private static final Executor BACKGROUND = task -> {
        Thread t = new Thread(task, "mooring-migration-scan");
        t.setDaemon(true);
        t.start();
    };

    /** The scan's result, or the exception it threw (a {@link MooringException} stays one). */
    private static MigrationScanner.Scan await(CompletableFuture<MigrationScanner.Scan> scanning) {
        try {
            return scanning.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** An open connection with what goes with it; closing closes the connection. */
    record Session(Connection connection, DatabaseOps ops, HistoryTable table) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    MigrationScanner.Scan scan() {
        return MigrationScanner.scan(config.locations(), config.classLoader());
    }

    Plan plan(Session s, MigrationScanner.Scan scan) throws SQLException {
        return Plan.of(scan.migrations(), s.table().read(s.connection()), config.target(), config.outOfOrder());
    }

    public InfoReport info() {
        MigrationScanner.Scan scan = scan();
        return withSession(s -> {
            Plan plan = plan(s, scan);
            return new InfoReport(s.ops().dialect().name(), s.table().name(), text(plan.current()),
                    plan.entries().stream().map(Plan.Entry::toInfo).toList());
        });
    }

    public ValidationReport validate() {
        MigrationScanner.Scan scan = scan();
        return withSession(s -> new ValidationReport(plan(s, scan).issues()));
    }

    /** Lint findings for the migrations this database has not applied yet. */
    public List<dev.mooring.migrate.LintFinding> lintPending() {
        MigrationScanner.Scan scan = scan();
        return withSession(s -> {
            Plan plan = Plan.of(scan.migrations(), s.table().read(s.connection()), null, true);
            java.util.Set<String> pending = plan.pending().stream().map(MigrationScript::key)
                    .collect(java.util.stream.Collectors.toSet());
            return LintRun.selected(scan.migrations(), s.ops().dialect(), pending);
        });
    }

    public DryRunResult dryRun() {
        MigrationScanner.Scan scan = scan();
        return withSession(s -> {
            Plan plan = plan(s, scan);
            if (!plan.issues().isEmpty()) {
                throw new ValidationFailedException(plan.issues());
            }
            List<PlannedMigration> planned = new ArrayList<>();
            for (MigrationScript m : plan.pending()) {
                List<String> statements = SqlSplitter.split(m.up(), s.ops().dialect().syntax(), m.upLine()).stream()
                        .map(SqlStatement::sql).toList();
                planned.add(new PlannedMigration(text(m.version()), m.description(), m.type(), m.script(), m.transactional(), statements));
            }
            return new DryRunResult(s.ops().dialect().name(), text(plan.current()), text(lastVersion(plan)), planned);
        });
    }

    public MigrateResult migrate() {
        long started = System.nanoTime();
        // Reading the files and connecting to the database are independent: do them at the same time.
        CompletableFuture<MigrationScanner.Scan> scanning = CompletableFuture.supplyAsync(this::scan, BACKGROUND);
        return withSession(s -> {
            List<HistoryRow> history = s.table().readForDecision(s.connection());
            MigrationScanner.Scan scan = await(scanning);
            MigrateResult upToDate = upToDate(s, scan, history, started);
            if (upToDate != null) {
                return upToDate;
            }
            try (DatabaseOps.RunLock ignored = s.ops().lockRun(dataSource, s.table().name(), config.lockTimeout())) {
                Connection c = s.connection();
                s.table().createIfMissing(c);
                RunState state = new RunState();
                state.othersMark = s.ops().otherWritersMark(c); // before reading the history, so no commit slips between
                Plan plan = plan(s, scan);
                if (!plan.issues().isEmpty()) {
                    throw new ValidationFailedException(plan.issues());
                }
                String appliedBy = config.appliedBy() != null ? config.appliedBy() : s.ops().currentUser(c);
                Callbacks callbacks = new Callbacks(scan.callbacks(), config.callbacks(), s.ops());
                callbacks.beforeMigrate(c);
                List<AppliedMigration> applied = new ArrayList<>();
                state.nextRank = s.table().nextRank(c);
                for (MigrationScript m : plan.pending()) {
                    try {
                        AppliedMigration done = m.transactional()
                                ? applyInTransaction(s, m, appliedBy, state, callbacks)
                                : applyWithoutTransaction(s, m, appliedBy, state, callbacks);
                        if (done != null) {
                            applied.add(done);
                        }
                    } catch (MigrationFailedException e) {
                        throw new MigrationFailedException(e.getMessage() + "\n" + afterFailure(m, applied, plan),
                                e.script(), e.line(), e.sqlState(), e.getCause());
                    }
                }
                MigrationVersion to = plan.current();
                for (AppliedMigration a : applied) {
                    if (a.version() != null && (to == null || MigrationVersion.parse(a.version()).compareTo(to) > 0)) {
                        to = MigrationVersion.parse(a.version());
                    }
                }
                MigrateResult result = new MigrateResult(s.ops().dialect().name(), text(plan.current()), text(to), applied,
                        (System.nanoTime() - started) / 1_000_000);
                callbacks.afterMigrate(c, result);
                return result;
            }
        });
    }

    /**
     * The common case on application start: nothing to do. Decided from a light read of the history, without taking
     * the run lock (another connection on PostgreSQL) or touching the table, so it costs a single query. Any pending
     * migration, validation issue or callback (which must run on every migrate) takes the locked path instead, which
     * reads the history again under the lock.
     */
    private MigrateResult upToDate(Session s, MigrationScanner.Scan scan, List<HistoryRow> rows, long started) {
        if (!config.callbacks().isEmpty() || !scan.callbacks().isEmpty()) {
            return null;
        }
        if (rows.isEmpty()) {
            return null;
        }
        Plan plan = Plan.of(scan.migrations(), rows, config.target(), config.outOfOrder());
        if (!plan.pending().isEmpty() || !plan.issues().isEmpty()) {
            return null; // the locked path reads the full history, so its messages can say when and by whom
        }
        String current = text(plan.current());
        return new MigrateResult(s.ops().dialect().name(), current, current, List.of(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * What a run knows between migrations: the next history rank, and what other processes applied. While the
     * other-writers mark is unchanged the plan is current; when it changes, the history is read again inside the
     * migration's transaction (which holds the write lock) and every later migration is checked against it.
     */
    private static final class RunState {
        int nextRank;
        long othersMark;
        Set<String> appliedByOthers = Set.of();

        /** The rank for {@code m} inside its transaction, or -1 when another process applied it meanwhile. */
        int claim(Session s, MigrationScript m) throws SQLException {
            long mark = s.ops().otherWritersMark(s.connection());
            if (mark != othersMark) {
                othersMark = mark;
                List<HistoryRow> rows = s.table().read(s.connection());
                appliedByOthers = appliedKeys(rows);
                nextRank = rows.stream().mapToInt(HistoryRow::rank).max().orElse(0) + 1;
            }
            return appliedByOthers.contains(appliedKey(m.key(), m.checksum())) ? -1 : nextRank;
        }

        /** Successful versioned rows, and repeatables at the checksum of their latest successful row. */
        private static Set<String> appliedKeys(List<HistoryRow> rows) {
            Map<String, String> latest = new HashMap<>();
            for (HistoryRow r : rows) {
                if (r.success() && r.type() != MigrationType.BASELINE) {
                    latest.put(r.key(), appliedKey(r.key(), r.checksum() == null ? 0 : r.checksum()));
                }
            }
            return new HashSet<>(latest.values());
        }

        private static String appliedKey(String key, long checksum) {
            return key.startsWith("R:") ? key + "@" + checksum : key;
        }
    }

    private AppliedMigration applyInTransaction(Session s, MigrationScript m, String appliedBy, RunState state,
                                                Callbacks callbacks) throws SQLException {
        Connection c = s.connection();
        DatabaseOps ops = s.ops();
        ops.beginMigration(c);
        try {
            int rank = state.claim(s, m);
            if (rank < 0) {
                ops.rollback(c); // another process applied it while we waited for the lock
                return null;
            }
            int ms = runUp(s, m, callbacks);
            s.table().insert(c, new HistoryRow(rank, m.version(), m.description(), m.type(), m.script(), m.checksum(),
                    appliedBy, Instant.now(), ms, true));
            ops.commit(c);
            state.nextRank = rank + 1;
            return new AppliedMigration(text(m.version()), m.description(), m.type(), m.script(), ms);
        } catch (SQLException | RuntimeException e) {
            ops.rollback(c);
            throw e;
        }
    }

    private AppliedMigration applyWithoutTransaction(Session s, MigrationScript m, String appliedBy, RunState state,
                                                     Callbacks callbacks) throws SQLException {
        Connection c = s.connection();
        DatabaseOps ops = s.ops();
        int rank;
        // Claim the version first: if the process dies half-way, the row says "failed" instead of nothing.
        ops.beginMigration(c);
        try {
            rank = state.claim(s, m);
            if (rank < 0) {
                ops.rollback(c);
                return null;
            }
            s.table().insert(c, new HistoryRow(rank, m.version(), m.description(), m.type(), m.script(), m.checksum(),
                    appliedBy, Instant.now(), 0, false));
            ops.commit(c);
        } catch (SQLException | RuntimeException e) {
            ops.rollback(c);
            throw e;
        }
        state.nextRank = rank + 1;
        int ms = runUp(s, m, callbacks);
        s.table().markSucceeded(c, rank, ms);
        return new AppliedMigration(text(m.version()), m.description(), m.type(), m.script(), ms);
    }

    /** Runs a migration's UP SQL between the "each" callbacks; returns how long that took in milliseconds. */
    private static int runUp(Session s, MigrationScript m, Callbacks callbacks) throws SQLException {
        long t0 = System.nanoTime();
        MigrationInfo info = pendingInfo(m);
        callbacks.beforeEach(s.connection(), info);
        ScriptRunner.run(s.connection(), s.ops().dialect().syntax(), m.up(), m.script(), m.upLine());
        callbacks.afterEach(s.connection(), info);
        return (int) ((System.nanoTime() - t0) / 1_000_000);
    }

    private static String afterFailure(MigrationScript failed, List<AppliedMigration> applied, Plan plan) {
        String state = failed.transactional()
                ? "It was rolled back"
                : "It ran outside a transaction, so part of it may have been applied; it is recorded as failed: fix the database, then run `repair`";
        String at = applied.isEmpty() ? text(plan.current()) : applied.get(applied.size() - 1).version();
        return state + ". " + applied.size() + " migration(s) were applied before it; the database is at version "
                + (at == null ? "(none)" : at) + ".";
    }

    private static MigrationInfo pendingInfo(MigrationScript m) {
        return new MigrationInfo(text(m.version()), m.description(), m.type(), MigrationState.PENDING, m.script(),
                m.checksum(), null, null, null);
    }

    private static MigrationVersion lastVersion(Plan plan) {
        MigrationVersion to = plan.current();
        for (MigrationScript m : plan.pending()) {
            if (m.version() != null && (to == null || m.version().compareTo(to) > 0)) {
                to = m.version();
            }
        }
        return to;
    }

    static String text(MigrationVersion v) {
        return v == null ? null : v.toString();
    }

    /** Work on a session whose checked exceptions become {@link MooringException}s. */
    interface SessionWork<T> {
        T apply(Session s) throws SQLException;
    }

    <T> T withSession(SessionWork<T> work) {
        try (Session s = open()) {
            return work.apply(s);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Database error: " + e.getMessage(), e);
        }
    }

    /** The Java and SQL callbacks of a run. */
    private record Callbacks(Map<SqlCallbackEvent, List<String>> sql, List<MigrationCallback> java, DatabaseOps ops) {
        void beforeMigrate(Connection c) throws SQLException {
            runSqlInTransaction(c, SqlCallbackEvent.BEFORE_MIGRATE);
            for (MigrationCallback cb : java) {
                cb.beforeMigrate(c);
            }
        }

        void afterMigrate(Connection c, MigrateResult result) throws SQLException {
            runSqlInTransaction(c, SqlCallbackEvent.AFTER_MIGRATE);
            for (MigrationCallback cb : java) {
                cb.afterMigrate(c, result);
            }
        }

        void beforeEach(Connection c, MigrationInfo info) throws SQLException {
            runSql(c, SqlCallbackEvent.BEFORE_EACH_MIGRATE);
            for (MigrationCallback cb : java) {
                cb.beforeEachMigrate(c, info);
            }
        }

        void afterEach(Connection c, MigrationInfo info) throws SQLException {
            runSql(c, SqlCallbackEvent.AFTER_EACH_MIGRATE);
            for (MigrationCallback cb : java) {
                cb.afterEachMigrate(c, info);
            }
        }

        private void runSql(Connection c, SqlCallbackEvent event) {
            for (String script : sql.getOrDefault(event, List.of())) {
                ScriptRunner.run(c, ops.dialect().syntax(), script, event.fileName(), 1);
            }
        }

        private void runSqlInTransaction(Connection c, SqlCallbackEvent event) throws SQLException {
            if (sql.getOrDefault(event, List.of()).isEmpty()) {
                return;
            }
            ops.beginMigration(c);
            try {
                runSql(c, event);
                ops.commit(c);
            } catch (SQLException | RuntimeException e) {
                ops.rollback(c);
                throw e;
            }
        }
    }
}
