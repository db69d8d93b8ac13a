package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupEngine;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.internal.BackupNames;
import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.StoredBackup;
import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.file.WrittenFile;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Backs up a PostgreSQL database into one object of a store with the built-in engine or pg_dump, streamed as it is
 * written, then writes its manifest, which makes the backup complete. The passphrase is checked before anything is
 * written. Single use, not thread-safe.
 */
public final class PostgresBackupJob {
    private final DatabaseUrl url;
    private final BackupConfig config;
    private final BackupStore store;
    private final BackupProgress progress;

    public PostgresBackupJob(DatabaseUrl url, BackupConfig config, BackupStore store, BackupProgress progress) {
        this.url = url;
        this.config = config;
        this.store = store;
        this.progress = progress;
    }

    public BackupManifest run() {
        char[] passphrase = config.encrypt() ? Passphrase.fromEnvironment(config.environment()) : null;
        DataSource dataSource = url.toDataSource();
        Instant started = Instant.now();
        try {
            String database;
            String schemaVersion;
            try (Connection c = dataSource.getConnection()) {
                database = currentDatabase(c);
                schemaVersion = Migrator.appliedVersion(c, config.historyTable()).orElse(null);
            }
            StoredBackup target = StoredBackup.in(store, BackupNames.fileName(database, started, "postgresql",
                    config.compression(), passphrase != null));
            PostgresDumpResult dump;
            WrittenFile written;
            try (BackupFileWriter writer = BackupFileWriter.create(store, target.name(), config.compression(), passphrase)) {
                dump = config.engine() == BackupEngine.PG_DUMP
                        ? new PgDumpEngine(url, config.environment(), config.privileges(), progress).writeTo(writer)
                        : PostgresDump.create(dataSource, config.jobs(), config.privileges(), progress).writeTo(writer);
                written = writer.finish();
            }
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, target.name(), database,
                    url.redacted(), "postgresql", dump.serverVersion(), schemaVersion,
                    config.engine().name().toLowerCase(Locale.ROOT), started,
                    Duration.between(started, Instant.now()).toMillis(),
                    config.compression().name().toLowerCase(Locale.ROOT),
                    passphrase == null ? null : BackupFileWriter.ENCRYPTION, written.contentBytes(), written.bytes(),
                    written.sha256(), dump.schemas(), dump.tables(), ManifestStore.mooringVersion(), null);
            ManifestStore.write(target, manifest);
            return manifest;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not connect to " + url.redacted() + ": "
                    + e.getMessage(), e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    public static String currentDatabase(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
