package dev.mooring.migrate;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.internal.DatabaseOps;
import dev.mooring.migrate.internal.DriftCheck;
import dev.mooring.migrate.internal.HistoryRow;
import dev.mooring.migrate.internal.HistoryTable;
import dev.mooring.migrate.internal.HistoryMaintenance;
import dev.mooring.migrate.internal.LintRun;
import dev.mooring.migrate.internal.MigrationEngine;

import dev.mooring.core.Dialects;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Migrates one database (PostgreSQL or SQLite, detected from the connection) with the migrations in the configured
 * locations. Every command reads the locations and the history afresh, so a {@code Migrator} can be kept and reused.
 * <pre>{@code
 * Migrator migrator = Migrator.create(dataSource, MigrationConfig.of("classpath:db/migration"));
 * MigrateResult result = migrator.migrate();
 * }</pre>
 * Thread-safe; concurrent runs against one database are serialized by the database lock.
 */
public final class Migrator {
    private final DataSource dataSource;
    private final MigrationConfig config;
    private final MigrationEngine engine;
    private final HistoryMaintenance maintenance;

    private Migrator(DataSource dataSource, MigrationConfig config) {
        this.dataSource = dataSource;
        this.config = config;
        this.engine = new MigrationEngine(dataSource, config);
        this.maintenance = new HistoryMaintenance(dataSource, config);
    }

    public static Migrator create(DataSource dataSource, MigrationConfig config) {
        return new Migrator(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(config, "config"));
    }

    public MigrationConfig config() {
        return config;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * Applies every pending migration (up to the configured target), each in its own transaction, after validating
     * the history against the files.
     *
     * @throws ValidationFailedException when applied migrations were edited or removed, or one is out of order
     * @throws MigrationFailedException  when a migration fails; earlier ones stay applied
     */
    public MigrateResult migrate() {
        return engine.migrate();
    }

    /** What {@link #migrate()} would run, without changing anything (not even creating the history table). */
    public DryRunResult dryRun() {
        return engine.dryRun();
    }

    /** Applied, pending and failed migrations with dates and durations. */
    public InfoReport info() {
        return engine.info();
    }

    /** Differences between the files and the history: edited, missing, out-of-order or failed migrations. */
    public ValidationReport validate() {
        return engine.validate();
    }

    /** Reverts the last {@code steps} applied migrations by running their DOWN SQL, newest first. */
    public RevertResult revertSteps(int steps) {
        return maintenance.revert(steps, null);
    }

    /** Reverts every applied migration newer than {@code version}, newest first. */
    public RevertResult revertTo(String version) {
        return maintenance.revert(null, parse(version, "target version"));
    }

    /** Adopts an existing database: records that it is at {@code version} so older files are never applied. */
    public MigrationInfo baseline(String version, String description) {
        return maintenance.baseline(parse(version, "baseline version"), description);
    }

    /** Removes failed rows and re-aligns recorded checksums with the files after a deliberate edit. */
    public RepairResult repair() {
        return maintenance.repair();
    }

    /**
     * Compares this database's schema with the schema its migrations produce. {@code scratch} must be an empty
     * database of the same kind (a temporary SQLite file, or a throw-away PostgreSQL database of the same major
     * version); it is migrated to this database's current version, so pending migrations are not drift.
     */
    public DriftReport drift(DataSource scratch) {
        return DriftCheck.run(dataSource, Objects.requireNonNull(scratch, "scratch"), config);
    }

    /**
     * Lint findings (changes that break older clients or lose data) for the migrations this database has not
     * applied yet: what the next {@code migrate} would do.
     */
    public List<LintFinding> lintPending() {
        return engine.lintPending();
    }

    /**
     * Lints migration files without a database: every versioned migration newer than {@code since}
     * ({@code null}: all of them).
     *
     * @param dialect {@code postgresql} or {@code sqlite}: the SQL dialect the files are written in
     */
    public static List<LintFinding> lintFiles(MigrationConfig config, String dialect, String since) {
        Objects.requireNonNull(config, "config");
        return LintRun.files(config, Dialects.named(Objects.requireNonNull(dialect, "dialect")),
                since == null ? null : parse(since, "since version"));
    }

    /**
     * The highest version successfully applied to the database {@code connection} is open on, read from the history
     * table {@code table} (as in {@link MigrationConfig#table()}), without looking at any migration files. Empty when
     * the table does not exist or holds no applied versioned migration. Backups record it in their manifest.
     */
    public static Optional<String> appliedVersion(Connection connection, String table) {
        Objects.requireNonNull(connection, "connection");
        try {
            HistoryTable history = new HistoryTable(DatabaseOps.forDialect(Dialects.of(connection)), table);
            return history.readForDecision(connection).stream()
                    .filter(row -> row.success() && row.version() != null)
                    .map(HistoryRow::version)
                    .max(MigrationVersion::compareTo)
                    .map(MigrationVersion::toString);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the migration history table " + table + ": "
                    + e.getMessage(), e);
        }
    }

    private static MigrationVersion parse(String version, String what) {
        try {
            return MigrationVersion.parse(Objects.requireNonNull(version, what));
        } catch (IllegalArgumentException e) {
            throw new MooringException(ErrorCode.USAGE, what + ": " + e.getMessage());
        }
    }
}
