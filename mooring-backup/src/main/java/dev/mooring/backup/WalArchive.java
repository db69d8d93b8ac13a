package dev.mooring.backup;

import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.pitr.SubLocation;
import dev.mooring.backup.internal.pitr.WalCheck;
import dev.mooring.backup.internal.pitr.WalNames;
import dev.mooring.backup.internal.pitr.WalTransfer;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.StoredObject;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.DatabaseUrl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A PostgreSQL WAL archive: what {@code archive_command} pushes and {@code restore_command} fetches. It lives in
 * the {@code wal} sub-folder (or sub-prefix) of a {@link BackupConfig#location() backup location}, one object per
 * WAL file, named as PostgreSQL names the file, compressed with the config's compression, encrypted when it says
 * so, and checked with a SHA-256 of the file's bytes that is stored inside the object.
 *
 * <p>Safe under retries and concurrency: a push never replaces an archived file; pushing the same bytes again
 * succeeds and says so, different bytes under an archived name fail, naming the file. A fetch writes the
 * destination atomically, only after the bytes matched their checksum.
 *
 * <p>Thread-safe. Close it to release the store's connections.
 */
public final class WalArchive implements AutoCloseable {
    private final BackupConfig config;
    private final BackupStore store;
    private final WalTransfer transfer;

    private WalArchive(BackupConfig config, BackupStore store) {
        this.config = config;
        this.store = store;
        this.transfer = new WalTransfer(store, () -> Passphrase.fromEnvironment(config.environment()));
    }

    /** The WAL archive under {@code config}'s location, with its compression, encryption and environment. */
    public static WalArchive open(BackupConfig config) {
        Objects.requireNonNull(config, "config");
        return new WalArchive(config, Stores.open(location(config.location()), config.environment()));
    }

    /** Where the archive under the backup location {@code backups} is: its {@code wal} sub-folder or sub-prefix. */
    public static BackupLocation location(BackupLocation backups) {
        return SubLocation.of(Objects.requireNonNull(backups, "backups"), SubLocation.WAL);
    }

    /** Where the archive is, for messages. */
    public String describe() {
        return store.describe();
    }

    /**
     * Archives the WAL file {@code file} (what PostgreSQL passes as {@code %p}).
     *
     * @throws dev.mooring.core.MooringException {@code USAGE} when the file is not named like a WAL file or does not
     *         exist; {@code CONFIGURATION} when a different file of that name is archived already;
     *         {@code BACKUP_PASSPHRASE} when encryption is on and the passphrase is not set
     */
    public WalPushResult push(Path file) {
        Objects.requireNonNull(file, "file");
        char[] passphrase = config.encrypt() ? Passphrase.fromEnvironment(config.environment()) : null;
        try {
            WalTransfer.Pushed pushed = transfer.push(file, config.compression(), passphrase);
            return new WalPushResult(pushed.envelope().name(), pushed.envelope().size(), pushed.envelope().sha256(),
                    pushed.storedBytes(), pushed.alreadyArchived(), store.describe(pushed.envelope().name()));
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /**
     * Restores the archived file {@code name} (PostgreSQL's {@code %f}) to {@code destination} ({@code %p}).
     * A file the archive does not hold is no error: the result says it was not found, and nothing is written.
     *
     * @throws dev.mooring.core.MooringException {@code BACKUP_CORRUPT} when the archived file fails its checksum;
     *         {@code BACKUP_PASSPHRASE} when it is encrypted and the passphrase is missing or wrong
     */
    public WalFetchResult fetch(String name, Path destination) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(destination, "destination");
        long bytes = transfer.fetch(name, destination);
        return new WalFetchResult(name, bytes >= 0, bytes, destination);
    }

    /**
     * Checks that the server {@code url} names archives its WAL here: its settings ({@code wal_level},
     * {@code archive_mode}, {@code archive_command}), then forces a segment switch and waits up to {@code timeout}
     * for that segment to arrive, watching {@code pg_stat_archiver} for failures. The role needs to read the settings
     * and run {@code pg_switch_wal()} (a superuser, or {@code GRANT EXECUTE ON FUNCTION pg_switch_wal()}).
     *
     * @throws dev.mooring.core.MooringException {@code DATABASE} when the server cannot be asked, naming the right
     *                                           the role lacks
     */
    public WalCheckResult check(DatabaseUrl url, Duration timeout) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
        return WalCheck.run(url, store, timeout);
    }

    /** The names of the archived files, sorted. */
    public List<String> names() {
        if (store.localFolder().isPresent() && !java.nio.file.Files.isDirectory(store.localFolder().get())) {
            return List.of();
        }
        return store.list().stream().map(StoredObject::name).filter(WalNames::isArchivable).toList();
    }

    @Override
    public void close() {
        store.close();
    }
}
