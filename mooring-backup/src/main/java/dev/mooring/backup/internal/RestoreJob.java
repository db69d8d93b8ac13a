package dev.mooring.backup.internal;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.RestoreOptions;
import dev.mooring.backup.RestoreResult;
import dev.mooring.backup.internal.postgres.PostgresRestore;
import dev.mooring.backup.internal.sqlite.SqliteRestore;
import dev.mooring.backup.internal.sqlite.SqliteCheck;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.Migrator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Restores one backup into the configured database: checks the manifest (dialect, schema version, SHA-256) before
 * touching anything, then restores in one transaction. Single use, not thread-safe.
 */
public final class RestoreJob {
    private final DatabaseUrl url;
    private final BackupConfig config;
    private final BackupProgress progress;

    public RestoreJob(DatabaseUrl url, BackupConfig config, BackupProgress progress) {
        this.url = url;
        this.config = config;
        this.progress = progress;
    }

    public RestoreResult restore(StoredBackup backup, RestoreOptions options) {
        Instant started = Instant.now();
        if (!backup.exists()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no backup file " + backup.description()
                    + ": name an existing file, or leave it out to restore the newest backup in --dir.");
        }
        Optional<BackupManifest> manifest = ManifestStore.read(backup);
        List<String> warnings = new ArrayList<>();
        String dialect = BackupFiles.dialect(backup, manifest);
        if (!dialect.equals(url.dialect().name())) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, backup.name() + " is a " + dialect
                    + " backup and cannot be restored into a " + url.dialect().name() + " database (" + url.redacted() + ").");
        }
        if (manifest.isPresent()) {
            checkSchemaVersion(manifest.get(), options);
            BackupFiles.checkSha256(backup, manifest.get());
        } else {
            warnings.add("No manifest beside " + backup.name() + ": the file's SHA-256 and row counts were not checked.");
        }
        List<dev.mooring.backup.TableSummary> tables;
        String schemaVersion;
        List<String> missingRoles = List.of();
        if ("sqlite".equals(dialect)) {
            tables = restoreSqlite(backup, manifest, options.clean());
            schemaVersion = sqliteSchemaVersion();
        } else {
            PostgresRestore.Outcome outcome = new PostgresRestore(url.toDataSource(), config.environment(),
                    config.historyTable()).restore(backup, manifest, options.clean(), config.trustForeignFiles());
            tables = outcome.tables();
            schemaVersion = outcome.schemaVersion();
            missingRoles = outcome.missingRoles().stream().sorted().toList();
            if (!missingRoles.isEmpty()) {
                warnings.add("The backup's privileges name roles this server does not have (or whose default"
                        + " privileges the restoring role, not a member of them, may not set): "
                        + String.join(", ", missingRoles) + ". Those privileges were skipped; roles are not part of a"
                        + " database backup: create the roles, then restore again or grant by hand.");
            }
        }
        return new RestoreResult(backup.file(), dialect, options.clean(), tables, schemaVersion,
                Duration.between(started, Instant.now()).toMillis(), warnings, missingRoles);
    }

    private static void checkSchemaVersion(BackupManifest manifest, RestoreOptions options) {
        if (manifest.schemaVersion() == null || options.knownSchemaVersion() == null || options.force()) {
            return;
        }
        if (MigrationVersion.parse(manifest.schemaVersion()).compareTo(MigrationVersion.parse(options.knownSchemaVersion())) > 0) {
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, "The backup is at schema version "
                    + manifest.schemaVersion() + ", newer than the newest migration this application knows ("
                    + options.knownSchemaVersion() + "). The restored database would be ahead of the code that uses it."
                    + " Restore with a newer build of the application, or pass --force to restore anyway.");
        }
    }

    private List<dev.mooring.backup.TableSummary> restoreSqlite(StoredBackup backup, Optional<BackupManifest> manifest,
                                                                        boolean clean) {
        Path target = url.sqliteFile().toAbsolutePath();
        Path temp = BackupFiles.decodeToTemp(backup, config.environment(), target.getParent());
        try {
            SqliteCheck.check(temp, manifest.map(BackupManifest::tables).orElse(null), backup.name());
            try (Connection c = url.toDataSource().getConnection()) {
                return new SqliteRestore(c, progress).restore(temp, clean);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "Could not open " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stray owner-only temporary file; it is named .mooring-restore-*
            }
        }
    }

    private String sqliteSchemaVersion() {
        try (Connection c = url.toDataSource().getConnection()) {
            return Migrator.appliedVersion(c, config.historyTable()).orElse(null);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the restored history: " + e.getMessage(), e);
        }
    }

}
