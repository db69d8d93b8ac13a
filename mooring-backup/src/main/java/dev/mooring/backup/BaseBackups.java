package dev.mooring.backup;

import dev.mooring.backup.internal.pitr.BaseBackupJob;
import dev.mooring.backup.internal.pitr.BaseManifests;
import dev.mooring.backup.internal.pitr.SubLocation;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.DatabaseUrl;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Physical base backups of a PostgreSQL server, the starting point of point-in-time recovery. They live in the
 * {@code base} sub-folder (or sub-prefix) of a {@link BackupConfig#location() backup location}, beside the
 * {@link WalArchive WAL archive} in {@code wal}: one archive (a tar stream, compressed and optionally encrypted as
 * the config says) and one {@link BaseBackupManifest} each, the manifest written last.
 *
 * <p>A base backup is taken with {@code pg_backup_start}/{@code pg_backup_stop} and a copy of the data directory
 * read from disk, so it runs on the database host, as a user who can read the data directory, with a role that may
 * run those functions. The server must archive its WAL ({@code archive_mode}): {@code pg_backup_stop} waits until
 * the WAL the backup needs is archived.
 *
 * <p>Stateless apart from its settings; thread-safe.
 */
public final class BaseBackups {
    private final BackupConfig config;

    private BaseBackups(BackupConfig config) {
        this.config = config;
    }

    /** Base backups in {@code config}'s location, with its compression, encryption, jobs and environment. */
    public static BaseBackups create(BackupConfig config) {
        return new BaseBackups(Objects.requireNonNull(config, "config"));
    }

    /** Where base backups under the backup location {@code backups} are: its {@code base} sub-folder or sub-prefix. */
    public static BackupLocation location(BackupLocation backups) {
        return SubLocation.of(Objects.requireNonNull(backups, "backups"), SubLocation.BASE);
    }

    /**
     * Takes a base backup of the server {@code url} names, whose data directory is {@code pgdataOrNull} (null: ask
     * the server with {@code SHOW data_directory}).
     *
     * @throws dev.mooring.core.MooringException {@code CONFIGURATION} when the server does not archive WAL, is older
     *         than PostgreSQL 15, uses tablespaces, or its data directory cannot be read here; {@code DATABASE} when
     *         the role may not run {@code pg_backup_start}
     */
    public BaseBackupManifest take(DatabaseUrl url, Path pgdataOrNull) {
        Objects.requireNonNull(url, "url");
        try (BackupStore store = open()) {
            return new BaseBackupJob(url, config, store).run(pgdataOrNull);
        }
    }

    /** Every complete base backup, oldest first. */
    public List<BaseBackupManifest> list() {
        try (BackupStore store = open()) {
            return BaseManifests.list(store);
        }
    }

    private BackupStore open() {
        return Stores.open(location(config.location()), config.environment());
    }
}
