package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.Compression;
import dev.mooring.backup.internal.BackupNames;
import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.StoredBackup;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.backup.internal.file.FileDigest;
import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.file.WrittenFile;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import org.sqlite.SQLiteConnection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Backs up a SQLite database with SQLite's online backup API: a page-by-page copy inside one read transaction,
 * consistent even while other connections write, never a copy of the live file. Row counts and the schema version
 * are then read from that copy, so they describe exactly what the backup holds. Content checksums are not computed
 * here: reading every row costs several times the copy itself, and the backup file is the snapshot, so the first
 * {@code verify} reads them from the file and records them in the manifest.
 *
 * <p>The copy is a temporary file in the store's folder, or for a remote store beside the database (the backup API
 * writes to a file); it is then streamed into the store, and the manifest written last. Single use, not thread-safe.
 */
public final class SqliteBackupJob {
    private final DatabaseUrl url;
    private final BackupConfig config;
    private final BackupStore store;
    private final BackupProgress progress;

    public SqliteBackupJob(DatabaseUrl url, BackupConfig config, BackupStore store, BackupProgress progress) {
        this.url = url;
        this.config = config;
        this.store = store;
        this.progress = progress;
    }

    static final String SNAPSHOT_PREFIX = ".mooring-snapshot-";
    static final String SNAPSHOT_SUFFIX = ".sqlite";
    /** How old a snapshot file must be before a later backup takes it for one a killed backup left behind. */
    static final Duration ABANDONED_SNAPSHOT_AGE = Duration.ofDays(1);

    public BackupManifest run() {
        Path source = url.sqliteFile();
        if (!Files.isRegularFile(source)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no SQLite database at " + source
                    + ": check --url.");
        }
        char[] passphrase = config.encrypt() ? Passphrase.fromEnvironment(config.environment()) : null;
        Instant started = Instant.now();
        String database = stem(source);
        try {
            StoredBackup target = StoredBackup.in(store, BackupNames.fileName(database, started, "sqlite",
                    config.compression(), passphrase != null));
            Path snapshotDir = store.localFolder().orElse(source.toAbsolutePath().getParent());
            Files.createDirectories(snapshotDir);
            removeAbandonedSnapshots(snapshotDir);
            Path snapshot = PrivateFiles.createTemp(snapshotDir, SNAPSHOT_PREFIX, SNAPSHOT_SUFFIX);
            try {
                copyWithBackupApi(source, snapshot);
                Snapshot content = read(snapshot);
                progress.planned(content.tables().size(), content.tables().stream().mapToLong(TableSummary::rows).sum(),
                        Files.size(snapshot));
                WrittenFile written = store(snapshot, target, passphrase);
                content.tables().forEach(progress::tableDone);
                BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, target.name(),
                        database, url.redacted(), "sqlite", content.sqliteVersion(), content.schemaVersion(),
                        "sqlite-backup-api", started, Duration.between(started, Instant.now()).toMillis(),
                        config.compression().name().toLowerCase(java.util.Locale.ROOT),
                        passphrase == null ? null : BackupFileWriter.ENCRYPTION, written.contentBytes(), written.bytes(),
                        written.sha256(), List.of(), content.tables(), ManifestStore.mooringVersion(), null);
                ManifestStore.write(target, manifest);
                return manifest;
            } finally {
                Files.deleteIfExists(snapshot);
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the backup to " + store.describe() + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not back up " + source + ": " + e.getMessage(), e);
        } finally {
            if (passphrase != null) {
                java.util.Arrays.fill(passphrase, '\0');
            }
        }
    }

    /**
     * Deletes the snapshots that killed backups left in {@code dir} (a copy of the whole database, next to it when
     * the backup went to S3), once older than {@link #ABANDONED_SNAPSHOT_AGE}: a running backup's snapshot is
     * younger, since it is written at the start of its backup and read once, straight after.
     */
    static int removeAbandonedSnapshots(Path dir) throws IOException {
        Instant cutoff = Instant.now().minus(ABANDONED_SNAPSHOT_AGE);
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SNAPSHOT_PREFIX + "*" + SNAPSHOT_SUFFIX)) {
            for (Path file : files) {
                try {
                    if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(file).toInstant().isBefore(cutoff) && Files.deleteIfExists(file)) {
                        removed++;
                    }
                } catch (NoSuchFileException ignored) {
                    // another backup removed it first
                }
            }
        }
        return removed;
    }

    private void copyWithBackupApi(Path source, Path snapshot) throws SQLException {
        try (Connection c = SqliteTables.openReadWrite(snapshot); Statement s = c.createStatement()) {
            // The copy runs from the destination's side so that the destination can skip its rollback journal and
            // its fsyncs: the snapshot is a private temporary file that is synced once, when complete, before it
            // is published. One step (-1 pages) copies everything under one read lock on the source, so the copy is
            // one consistent snapshot; the busy retries cover a writer that holds the lock when the copy starts.
            s.execute("PRAGMA journal_mode = OFF");
            s.execute("PRAGMA synchronous = OFF");
            s.execute("PRAGMA locking_mode = EXCLUSIVE");
            c.unwrap(SQLiteConnection.class).getDatabase().restore("main", source.toString(), null, 100, 300, -1);
        }
    }

    /** What the snapshot holds. */
    record Snapshot(String sqliteVersion, String schemaVersion, List<TableSummary> tables) {
    }

    private Snapshot read(Path snapshot) throws SQLException {
        try (Connection c = SqliteTables.openReadOnly(snapshot)) {
            String version;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
                rs.next();
                version = rs.getString(1);
            }
            c.setAutoCommit(false);
            List<TableSummary> tables = SqliteTables.count(c, "main");
            String schemaVersion = Migrator.appliedVersion(c, config.historyTable()).orElse(null);
            c.rollback();
            return new Snapshot(version, schemaVersion, tables);
        }
    }

    private WrittenFile store(Path snapshot, StoredBackup target, char[] passphrase) throws IOException {
        long size = Files.size(snapshot);
        if (config.compression() == Compression.NONE && passphrase == null && store.localFolder().isPresent()) {
            // The snapshot already is the backup, in the store's folder: owner-only, complete. It is checksummed
            // while it is synced, then linked into place, which avoids copying every byte again and, unlike a
            // rename, fails rather than replace a file that is already there.
            CompletableFuture<String> sha256 = CompletableFuture.supplyAsync(() -> FileDigest.sha256(snapshot));
            try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            String digest = joined(sha256);
            Files.createLink(target.file(), snapshot);
            Files.delete(snapshot);
            return new WrittenFile(target.file(), size, size, digest);
        }
        try (BackupFileWriter writer = BackupFileWriter.create(store, target.name(), config.compression(), passphrase)) {
            try (OutputStream out = writer.openStream()) {
                Files.copy(snapshot, out);
            }
            return writer.finish();
        }
    }

    private static String joined(CompletableFuture<String> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw e;
        }
    }

    /** The database part of a SQLite backup's name: the file name without its extension. */
    public static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
