package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.AppliedMigration;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.RepairResult;
import dev.mooring.migrate.RevertResult;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The commands that change the history rather than move forward: {@code revert}, {@code baseline} and
 * {@code repair}. Each holds the same run lock as {@code migrate}. Thread-safe.
 */
public final class HistoryMaintenance {
    private final DataSource dataSource;
    private final MigrationConfig config;
    private final MigrationEngine engine;

    public HistoryMaintenance(DataSource dataSource, MigrationConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        this.engine = new MigrationEngine(dataSource, config);
    }

    /**
     * Reverts applied versioned migrations newest first: the last {@code steps} of them, or all above
     * {@code target} (exactly one of the two is given). Every DOWN section is checked before anything runs.
     */
    public RevertResult revert(Integer steps, MigrationVersion target) {
        if ((steps == null) == (target == null)) {
            throw new MooringException(ErrorCode.USAGE, "revert needs either a number of steps or a target version, not both.");
        }
        if (steps != null && steps < 1) {
            throw new MooringException(ErrorCode.USAGE, "revert --steps must be at least 1, was " + steps + ".");
        }
        MigrationScanner.Scan scan = engine.scan();
        long started = System.nanoTime();
        return engine.withSession(s -> {
            try (DatabaseOps.RunLock ignored = s.ops().lockRun(dataSource, s.table().name(), config.lockTimeout())) {
                Connection c = s.connection();
                List<HistoryRow> rows = s.table().read(c);
                Plan plan = Plan.of(scan.migrations(), rows, null, true);
                MigrationVersion baseline = plan.baseline() == null ? null : plan.baseline().version();
                if (target != null && baseline != null && target.compareTo(baseline) < 0) {
                    throw new MooringException(ErrorCode.USAGE, "Cannot revert below the baseline " + baseline
                            + ": the migrations before it were never run by Mooring, so there is nothing to undo them with.");
                }
                List<HistoryRow> chosen = rows.stream()
                        .filter(r -> r.success() && r.type() == MigrationType.VERSIONED)
                        .sorted(Comparator.comparing(HistoryRow::version).reversed())
                        .filter(r -> target == null || r.version().compareTo(target) > 0)
                        .limit(steps == null ? Long.MAX_VALUE : steps)
                        .toList();
                Map<String, MigrationScript> byKey = scan.migrations().stream()
                        .collect(Collectors.toMap(MigrationScript::key, Function.identity()));
                List<String> problems = new ArrayList<>();
                for (HistoryRow row : chosen) {
                    MigrationScript m = byKey.get(row.key());
                    if (m == null) {
                        problems.add(row.version() + " (" + row.script() + "): its file is missing");
                    } else if (m.down() == null) {
                        problems.add(row.version() + " (" + m.script() + "): it has no -- DOWN section and no .down.sql file");
                    }
                }
                if (!problems.isEmpty()) {
                    throw new MooringException(ErrorCode.MISSING_DOWN, "Cannot revert; nothing was changed:\n  - "
                            + String.join("\n  - ", problems) + "\nAdd the DOWN SQL, or revert to a later version.");
                }
                List<AppliedMigration> reverted = new ArrayList<>();
                for (HistoryRow row : chosen) {
                    reverted.add(revertOne(s, byKey.get(row.key()), row));
                }
                MigrationVersion to = rows.stream()
                        .filter(r -> r.success() && r.version() != null && chosen.stream().noneMatch(x -> x.rank() == r.rank()))
                        .map(HistoryRow::version).max(Comparator.naturalOrder()).orElse(null);
                return new RevertResult(s.ops().dialect().name(), MigrationEngine.text(plan.current()),
                        MigrationEngine.text(to), reverted, (System.nanoTime() - started) / 1_000_000);
            }
        });
    }

    private static AppliedMigration revertOne(MigrationEngine.Session s, MigrationScript m, HistoryRow row) throws SQLException {
        Connection c = s.connection();
        DatabaseOps ops = s.ops();
        long t0 = System.nanoTime();
        if (m.transactional()) {
            ops.beginMigration(c);
            try {
                ScriptRunner.run(c, ops.dialect().syntax(), m.down(), m.downScript(), m.downLine());
                s.table().delete(c, row.rank());
                ops.commit(c);
            } catch (SQLException | RuntimeException e) {
                ops.rollback(c);
                throw e;
            }
        } else {
            ScriptRunner.run(c, ops.dialect().syntax(), m.down(), m.downScript(), m.downLine());
            s.table().delete(c, row.rank());
        }
        return new AppliedMigration(m.version().toString(), m.description(), m.type(), m.script(),
                (System.nanoTime() - t0) / 1_000_000);
    }

    /** Marks an existing database as being at {@code version}: files up to it are never applied. */
    public MigrationInfo baseline(MigrationVersion version, String description) {
        String text = description == null || description.isBlank() ? "<< Baseline >>" : description;
        return engine.withSession(s -> {
            try (DatabaseOps.RunLock ignored = s.ops().lockRun(dataSource, s.table().name(), config.lockTimeout())) {
                Connection c = s.connection();
                s.table().createIfMissing(c);
                List<HistoryRow> rows = s.table().read(c);
                if (rows.stream().anyMatch(r -> r.type() != MigrationType.REPEATABLE)) {
                    throw new MooringException(ErrorCode.USAGE, "Cannot baseline: " + s.table().name()
                            + " already has migration history. Baseline adopts a database that has none; use `info` to see where it stands.");
                }
                String user = config.appliedBy() != null ? config.appliedBy() : s.ops().currentUser(c);
                Instant now = Instant.now();
                s.table().insert(c, new HistoryRow(s.table().nextRank(c), version, text, MigrationType.BASELINE,
                        text, null, user, now, 0, true));
                return new MigrationInfo(version.toString(), text, MigrationType.BASELINE, MigrationState.BASELINE, text,
                        null, now, 0, user);
            }
        });
    }

    /** Removes failed rows and re-aligns checksums and descriptions of applied migrations with their files. */
    public RepairResult repair() {
        MigrationScanner.Scan scan = engine.scan();
        return engine.withSession(s -> {
            try (DatabaseOps.RunLock ignored = s.ops().lockRun(dataSource, s.table().name(), config.lockTimeout())) {
                Connection c = s.connection();
                List<HistoryRow> rows = s.table().read(c);
                Map<String, MigrationScript> byKey = scan.migrations().stream()
                        .collect(Collectors.toMap(MigrationScript::key, Function.identity()));
                List<String> removed = rows.stream().filter(r -> !r.success()).map(HistoryRow::script).toList();
                List<String> realigned = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                s.ops().beginMigration(c);
                try {
                    s.table().deleteFailed(c);
                    for (HistoryRow row : rows) {
                        if (!row.success() || row.type() != MigrationType.VERSIONED) {
                            continue;
                        }
                        MigrationScript m = byKey.get(row.key());
                        if (m == null) {
                            missing.add(row.script());
                        } else if (row.checksum() == null || row.checksum() != m.checksum()
                                || !row.description().equals(m.description()) || !row.script().equals(m.script())) {
                            s.table().realign(c, row.rank(), m.checksum(), m.description(), m.script());
                            realigned.add(m.script());
                        }
                    }
                    s.ops().commit(c);
                } catch (SQLException | RuntimeException e) {
                    s.ops().rollback(c);
                    throw e;
                }
                return new RepairResult(removed, realigned, missing);
            }
        });
    }
}
