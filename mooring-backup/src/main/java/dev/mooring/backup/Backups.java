package dev.mooring.backup;

import dev.mooring.backup.internal.BackupFiles;
import dev.mooring.backup.internal.RestoreJob;
import dev.mooring.backup.internal.Retention;
import dev.mooring.backup.internal.StoredBackup;
import dev.mooring.backup.internal.VerifyJob;
import dev.mooring.backup.internal.postgres.PostgresBackupJob;
import dev.mooring.backup.internal.sqlite.SqliteBackupJob;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.FolderStore;
import dev.mooring.core.DatabaseUrl;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * Backups of one PostgreSQL or SQLite database: {@link #backup}, {@link #restore}, {@link #verify} and
 * {@link #prune}. Every backup is one file plus a JSON manifest beside it ({@link BackupManifest}); restores run in
 * one transaction; verification can prove a backup restores. Thread-safe: each call is independent.
 *
 * <pre>{@code
 * BackupConfig config = BackupConfig.defaults();
 * Backups backups = Backups.create(DatabaseUrl.parse("postgresql://app@localhost/app"), config);
 * BackupManifest written = backups.backup();
 * VerifyResult proof = Backups.verify(backups.dir().resolve(written.file()), true, scratchServer, config);
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

    /** The folder backups are written to and looked for in. */
    public Path dir() {
        return config.dir();
    }

    /** Takes a backup and returns its manifest; the file is {@code dir().resolve(manifest.file())}. */
    public BackupManifest backup() {
        BackupStore store = FolderStore.open(config.dir());
        return "sqlite".equals(url.dialect().name())
                ? new SqliteBackupJob(url, config, store, progress).run()
                : new PostgresBackupJob(url, config, store, progress).run();
    }

    /** Restores {@code file} ({@code null}: the newest backup in {@link #dir()}) into this database. */
    public RestoreResult restore(Path file, RestoreOptions options) {
        StoredBackup chosen = file != null ? StoredBackup.of(file) : BackupFiles.latest(FolderStore.open(config.dir()));
        return new RestoreJob(url, config, progress).restore(chosen, Objects.requireNonNull(options, "options"));
    }

    /** The newest complete backup (one with its manifest) in {@link #dir()}. */
    public Path latest() {
        return BackupFiles.latest(FolderStore.open(config.dir())).file();
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
        return new VerifyJob(config.environment(), config.historyTable(), config.trustForeignFiles())
                .verify(StoredBackup.of(file), restore, scratch);
    }

    /** Deletes the backups in {@code config.dir()} that {@code policy} does not keep; with {@code dryRun}, only says which. */
    public static PruneResult prune(BackupConfig config, RetentionPolicy policy, boolean dryRun) {
        return Retention.prune(FolderStore.open(config.dir()), policy, dryRun, Instant.now());
    }
}
