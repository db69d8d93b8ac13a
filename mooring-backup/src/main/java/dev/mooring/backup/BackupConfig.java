package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Backups} writes and finds backups. Immutable; {@code withX} returns a changed copy.
 *
 * @param location     where backups are written to and looked for: a folder, or a bucket and prefix in S3
 * @param compression  how backup files are compressed
 * @param jobs         parallel workers for a PostgreSQL dump with the built-in engine, 1 to 64
 * @param encrypt      encrypt with AES-256-GCM under a key derived from {@code MOORING_BACKUP_PASSPHRASE}
 * @param engine       what writes PostgreSQL backups
 * @param historyTable the migration history table whose version the manifest records
 * @param environment  where {@code MOORING_BACKUP_PASSPHRASE} and {@code PATH} (for pg_dump) are read from
 * @param privileges   whether a PostgreSQL backup holds the privileges (GRANTs and default privileges) of the objects
 *                     it recreates, as pg_dump's do; roles are never part of a database backup
 * @param trustForeignFiles whether restore and verify may run a PostgreSQL backup Mooring's engine did not write (one
 *                     pg_dump wrote), which can hold any SQL, without checking it; when false, such a file is refused
 *                     and every other is checked against what Mooring's engine writes before any of it runs
 */
public record BackupConfig(BackupLocation location, Compression compression, int jobs, boolean encrypt, BackupEngine engine,
                           String historyTable, Map<String, String> environment, boolean privileges,
                           boolean trustForeignFiles) {
    /** The environment variable that holds the encryption passphrase. */
    public static final String PASSPHRASE_VARIABLE = "MOORING_BACKUP_PASSPHRASE";

    public BackupConfig {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(historyTable, "historyTable");
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        if (jobs < 1 || jobs > 64) {
            throw new MooringException(ErrorCode.CONFIGURATION, "jobs must be between 1 and 64, was " + jobs);
        }
    }

    /**
     * Defaults: folder {@code dumps}, zstd, one job, no encryption, built-in engine, the process environment, with
     * privileges, foreign files not trusted.
     */
    public static BackupConfig defaults() {
        return new BackupConfig(BackupLocation.folder(Path.of("dumps")), Compression.ZSTD, 1, false, BackupEngine.BUILTIN,
                MigrationConfig.DEFAULT_TABLE, System.getenv(), true, false);
    }

    /**
     * The folder backups go to and are looked for in.
     *
     * @throws MooringException {@code USAGE} when {@link #location()} is not a folder
     */
    public Path dir() {
        if (location instanceof BackupLocation.Folder folder) {
            return folder.dir();
        }
        throw new MooringException(ErrorCode.USAGE, "backups are kept in " + location.describe() + ", not in a folder");
    }

    public BackupConfig withDir(Path dir) {
        return withLocation(BackupLocation.folder(dir));
    }

    public BackupConfig withLocation(BackupLocation location) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withCompression(Compression compression) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withJobs(int jobs) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withEncrypt(boolean encrypt) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withEngine(BackupEngine engine) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withHistoryTable(String historyTable) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withEnvironment(Map<String, String> environment) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withPrivileges(boolean privileges) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }

    public BackupConfig withTrustForeignFiles(boolean trustForeignFiles) {
        return new BackupConfig(location, compression, jobs, encrypt, engine, historyTable, environment, privileges,
                trustForeignFiles);
    }
}
