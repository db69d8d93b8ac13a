package dev.mooring.backup;

import dev.mooring.backup.internal.BackupFiles;
import dev.mooring.backup.internal.BackupCopy;
import dev.mooring.backup.internal.RestoreJob;
import dev.mooring.backup.internal.Retention;
import dev.mooring.backup.internal.StoredBackup;
import dev.mooring.backup.internal.VerifyJob;
import dev.mooring.backup.internal.postgres.PostgresBackupJob;
import dev.mooring.backup.internal.sqlite.SqliteBackupJob;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.backup.internal.BackupNames;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Backups of one PostgreSQL or SQLite database: {@link #backup}, {@link #restore}, {@link #verify} and
 * {@link #prune}. Every backup is one file plus a JSON manifest beside it ({@link BackupManifest}), in a folder or
 * under a prefix of an S3 bucket ({@link BackupConfig#location()}); the manifest is written last, so a backup without
 * one is an interrupted one, which restore never picks. Restores run in one transaction; verification can prove a
 * backup restores. Thread-safe: each call is independent, and opens (and closes) its connection to the store.
 *
 * <pre>{@code
 * BackupConfig config = BackupConfig.defaults();
 * Backups backups = Backups.create(DatabaseUrl.parse("postgresql://app@localhost/app"), config);
 * BackupManifest written = backups.backup();
 * VerifyResult proof = Backups.verifyNamed(written.file(), true, scratchServer, config);
 * }</pre>
 */
public final class Backups {
    private final DatabaseUrl url;
    private final BackupConfig config;
    private final BackupProgress progress;

    private Backups(DatabaseUrl url, BackupConfig config, BackupProgress progress) {
        this.url = url;
        this.config = config;
        this.progress = progress;
    }

    /** Backups of the database at {@code url}, configured by {@code config}. */
    public static Backups create(DatabaseUrl url, BackupConfig config) {
        return new Backups(Objects.requireNonNull(url, "url"), Objects.requireNonNull(config, "config"), BackupProgress.NONE);
    }

    /** A copy that reports progress to {@code progress}, for example to draw a progress bar. */
    public Backups withProgress(BackupProgress progress) {
        return new Backups(url, config, Objects.requireNonNull(progress, "progress"));
    }

    /**
     * The folder backups are written to and looked for in.
     *
     * @throws dev.mooring.core.MooringException {@code USAGE} when they are kept in S3
     */
    public Path dir() {
        return config.dir();
    }

    /**
     * Takes a backup and returns its manifest. The backup streams into {@link BackupConfig#location()} as it is
     * written; its name there is {@link BackupManifest#file()}.
     */
    public BackupManifest backup() {
        try (BackupStore store = open(config)) {
            return "sqlite".equals(url.dialect().name())
                    ? new SqliteBackupJob(url, config, store, progress).run()
                    : new PostgresBackupJob(url, config, store, progress).run();
        }
    }

    /** Restores {@code file} ({@code null}: the newest complete backup in the location) into this database. */
    public RestoreResult restore(Path file, RestoreOptions options) {
        if (file == null) {
            return restoreNamed(null, options);
        }
        return new RestoreJob(url, config, progress).restore(StoredBackup.of(file), Objects.requireNonNull(options, "options"));
    }

    /**
     * Restores the backup {@code name} in {@link BackupConfig#location()} ({@code null}: the newest complete one),
     * streamed from there, into this database.
     */
    public RestoreResult restoreNamed(String name, RestoreOptions options) {
        Objects.requireNonNull(options, "options");
        try (BackupStore store = open(config)) {
            StoredBackup backup = name == null ? BackupFiles.latest(store) : StoredBackup.in(store, name);
            return new RestoreJob(url, config, progress).restore(backup, options);
        }
    }

    /** The newest complete backup in the location: its file in a folder, its name in S3. */
    public Path latest() {
        try (BackupStore store = open(config)) {
            return BackupFiles.latest(store).file();
        }
    }

    /**
     * When the newest complete backup of this database in the location was taken (the time in its name), or empty
     * when there is none; a {@link BackupSchedule} resumes from it after a restart.
     *
     * @throws dev.mooring.core.MooringException {@code CONNECTION} when a PostgreSQL database cannot be reached (its
     *                                           name is needed); as {@link #latestName()} when the store fails
     */
    public Optional<Instant> lastBackupAt() {
        String part = BackupNames.databasePart(databaseName());
        try (BackupStore store = open(config)) {
            return BackupFiles.list(store).stream().filter(BackupFiles.Listed::complete)
                    .filter(listed -> BackupNames.database(listed.backup().name()).filter(part::equals).isPresent())
                    .map(BackupFiles.Listed::takenAt).findFirst();
        } catch (MooringException e) {
            if (config.location() instanceof BackupLocation.Folder folder && !Files.exists(folder.dir())) {
                return Optional.empty(); // the first backup creates the folder
            }
            throw e;
        }
    }

    private String databaseName() {
        if ("sqlite".equals(url.dialect().name())) {
            return SqliteBackupJob.stem(url.sqliteFile());
        }
        try (Connection c = url.toDataSource().getConnection()) {
            return PostgresBackupJob.currentDatabase(c);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not connect to " + url.redacted() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The name of the newest complete backup (one with its manifest) in the location. */
    public String latestName() {
        try (BackupStore store = open(config)) {
            return BackupFiles.latest(store).name();
        }
    }

    /**
     * Verifies {@code file} and records the outcome in its manifest. With {@code restore}, the backup is restored
     * into a scratch database — a new database on {@code scratch} for PostgreSQL (dropped afterwards), a temporary
     * file for SQLite ({@code scratch} may be {@code null}) — and compared with the manifest.
     *
     * <p>Only a verdict is recorded: the result's problems prove the file bad (its SHA-256, its structure, what it
     * restores to). A verification that could not run throws instead and leaves the manifest exactly as it was, so
     * that {@link #prune} never deletes a good backup because its check could not be made.
     *
     * @throws dev.mooring.core.MooringException {@code BACKUP_PASSPHRASE} when an encrypted backup gets no passphrase
     *                                           or the wrong one; {@code VERIFY_NOT_RUN} when the scratch database
     *                                           cannot be reached or created, or a temporary file cannot be written
     */
    public static VerifyResult verify(Path file, boolean restore, ScratchServer scratch, BackupConfig config) {
        return verifyJob(config).verify(StoredBackup.of(file), restore, scratch);
    }

    /**
     * Verifies the backup {@code name} in {@code config.location()}, streamed from there, as
     * {@link #verify(Path, boolean, ScratchServer, BackupConfig)} does a file, and records the outcome in its manifest
     * there.
     */
    public static VerifyResult verifyNamed(String name, boolean restore, ScratchServer scratch, BackupConfig config) {
        Objects.requireNonNull(name, "name");
        try (BackupStore store = open(config)) {
            return verifyJob(config).verify(StoredBackup.in(store, name), restore, scratch);
        }
    }

    /**
     * Deletes the backups in {@code config.location()} that {@code policy} does not keep, and the incomplete uploads
     * that interrupted backups left there; with {@code dryRun}, only says which.
     */
    public static PruneResult prune(BackupConfig config, RetentionPolicy policy, boolean dryRun) {
        try (BackupStore store = open(config)) {
            return Retention.prune(store, policy, dryRun, Instant.now());
        }
    }

    /**
     * Applies {@code policy} to {@code config.location()} and then to each of {@code copies} (where
     * {@link #copy} put second copies), each place on its own; the results by place, as
     * {@link BackupLocation#describe()} names it.
     */
    public static Map<String, PruneResult> prune(BackupConfig config, List<BackupLocation> copies, RetentionPolicy policy) {
        Map<String, PruneResult> results = new LinkedHashMap<>();
        results.put(config.location().describe(), prune(config, policy, false));
        for (BackupLocation copy : copies) {
            results.put(copy.describe(), prune(config.withLocation(copy), policy, false));
        }
        return results;
    }

    /**
     * Copies the backup {@code name} and its manifest from {@code config.location()} to {@code target}, streamed
     * (the manifest last, so the copy is complete only once whole), for a second place such as a bucket beside a
     * local folder. A backup already at {@code target} is not overwritten.
     *
     * @throws dev.mooring.core.MooringException {@code CONFIGURATION} when the backup is not complete (no manifest);
     *                                           {@code IO} when it exists at {@code target} or a store fails
     */
    public static void copy(String name, BackupConfig config, BackupLocation target) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(target, "target");
        try (BackupStore from = open(config); BackupStore to = open(config.withLocation(target))) {
            BackupCopy.copy(StoredBackup.in(from, name), to);
        }
    }

    private static VerifyJob verifyJob(BackupConfig config) {
        return new VerifyJob(config.environment(), config.historyTable(), config.trustForeignFiles());
    }

    private static BackupStore open(BackupConfig config) {
        return Stores.open(config.location(), config.environment());
    }
}
