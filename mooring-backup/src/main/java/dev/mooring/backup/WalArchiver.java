package dev.mooring.backup;

import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.backup.internal.pitr.RecoverySettings;
import dev.mooring.backup.internal.pitr.WalNames;
import dev.mooring.backup.internal.pitr.WalTransfer;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Archives a server's WAL ahead of PostgreSQL, so that {@code archive_command} need not start a JVM per segment: a
 * long-running process watches {@code pg_wal/archive_status} for {@code .ready} files, pushes each file with
 * {@link WalArchive}'s rules (compressed, checksummed, never overwriting), several at a time, and after each push
 * leaves a marker {@code pg_wal/.mooring-archived/<file>.ok}. The {@link #archiveCommand archive_command} then only
 * waits a few seconds for the marker, and falls back to {@code mooring wal push} when it does not come (the
 * archiver is stopped or slow), so archiving never depends on the archiver running.
 *
 * <p>Why a marker proves the file is archived: it is written only after the object is stored; PostgreSQL never
 * changes a file while it is {@code .ready}; and markers live in {@code pg_wal}, whose contents no base backup holds,
 * so a restored or rebuilt cluster never inherits one. Markers are deleted once PostgreSQL has taken the file as
 * archived (its {@code .ready} is gone).
 *
 * <p>Thread-safe; {@link #close()} stops it, letting pushes in progress finish for up to 30 seconds.
 */
public final class WalArchiver implements AutoCloseable {
    /** Where the markers are, inside {@code pg_wal}. */
    public static final String MARKERS = ".mooring-archived";
    /** How long {@link #archiveCommand} waits for a marker before it pushes the file itself. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);
    private static final Duration SCAN_EVERY = Duration.ofMillis(50);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration MARKER_KEPT = Duration.ofMinutes(1);

    /** Hears what the archiver does; called from its threads. */
    public interface Listener {
        /** {@code name} was pushed ({@code alreadyArchived}: it was there with the same content). */
        default void pushed(String name, boolean alreadyArchived, Duration took) {
        }

        /** Pushing {@code name} failed; it is tried again in a few seconds, and the fallback push may take it. */
        default void failed(String name, String error) {
        }
    }

    private final Path pgWal;
    private final Path markers;
    private final BackupConfig config;
    private final BackupStore store;
    private final WalTransfer transfer;
    private final Listener listener;
    private final ExecutorService pushers;
    private final ScheduledExecutorService scanner;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> failedAt = new ConcurrentHashMap<>();
    private final AtomicLong pushed = new AtomicLong();
    private volatile Instant lastCleanUp = Instant.EPOCH;
    private volatile Instant lastScanError = Instant.EPOCH;

    private WalArchiver(BackupConfig config, Path pgdata, int jobs, Listener listener) {
        this.pgWal = pgdata.toAbsolutePath().normalize().resolve("pg_wal");
        this.markers = pgWal.resolve(MARKERS);
        this.config = config;
        this.store = Stores.open(WalArchive.location(config.location()), config.environment());
        this.transfer = new WalTransfer(store, () -> Passphrase.fromEnvironment(config.environment()));
        this.listener = listener;
        this.pushers = Executors.newFixedThreadPool(jobs, daemon("mooring-wal-archiver-push"));
        this.scanner = Executors.newSingleThreadScheduledExecutor(daemon("mooring-wal-archiver-scan"));
    }

    /**
     * Starts archiving the WAL of the data directory {@code pgdata} into {@code config}'s location with {@code jobs}
     * pushes at a time.
     *
     * @throws MooringException {@code CONFIGURATION} when {@code pgdata} has no {@code pg_wal/archive_status} (not a
     *                          data directory, or not readable here); {@code BACKUP_PASSPHRASE} when encryption is on
     *                          and the passphrase is not set
     */
    public static WalArchiver start(BackupConfig config, Path pgdata, int jobs, Listener listener) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pgdata, "pgdata");
        Objects.requireNonNull(listener, "listener");
        if (jobs < 1) {
            throw new MooringException(ErrorCode.USAGE, "--jobs must be at least 1, was " + jobs);
        }
        Path status = pgdata.resolve("pg_wal").resolve("archive_status");
        if (!Files.isDirectory(status)) {
            throw new MooringException(ErrorCode.CONFIGURATION, pgdata + " is not a PostgreSQL data directory that can"
                    + " be read here (there is no " + status + "): give --pgdata the server's data directory, and run"
                    + " as its owner");
        }
        if (config.encrypt()) {
            Arrays.fill(Passphrase.fromEnvironment(config.environment()), '\0'); // fail now, not at the first segment
        }
        WalArchiver archiver = new WalArchiver(config, pgdata, jobs, listener);
        try {
            Files.createDirectories(archiver.markers);
        } catch (IOException e) {
            archiver.close();
            throw new MooringException(ErrorCode.IO, "could not create " + archiver.markers + ": " + e.getMessage(), e);
        }
        archiver.scanner.scheduleWithFixedDelay(archiver::scan, 0, SCAN_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return archiver;
    }

    /**
     * The {@code archive_command} that goes with an archiver of {@code pgdata}: wait up to {@code wait} for the
     * file's marker, then push it with {@code pushCommand} (the words of {@code mooring wal push %p --dir …}, shell
     * quoted). PostgreSQL runs it with {@code sh -c}.
     */
    public static String archiveCommand(Path pgdata, Duration wait, String pushCommand) {
        Path marker = pgdata.toAbsolutePath().normalize().resolve("pg_wal").resolve(MARKERS);
        long tries = Math.max(1, wait.toMillis() / 50);
        return "m=" + RecoverySettings.commandWord(marker.toString()) + "/%f.ok; i=0; while [ $i -lt " + tries + " ]; do [ -f \"$m\" ]"
                + " && exit 0; sleep 0.05; i=$((i+1)); done; " + pushCommand;
    }

    /** How many files this archiver pushed. */
    public long pushed() {
        return pushed.get();
    }

    @Override
    public void close() {
        scanner.shutdownNow();
        pushers.shutdown();
        try {
            if (!pushers.awaitTermination(30, TimeUnit.SECONDS)) {
                pushers.shutdownNow();
            }
        } catch (InterruptedException e) {
            pushers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        store.close();
    }

    private void scan() {
        try {
            for (String name : ready()) {
                Instant failed = failedAt.get(name);
                if (Files.exists(marker(name)) || (failed != null && failed.plus(RETRY_AFTER).isAfter(Instant.now()))
                        || !inFlight.add(name)) {
                    continue;
                }
                pushers.execute(() -> push(name));
            }
            if (lastCleanUp.plus(Duration.ofSeconds(10)).isBefore(Instant.now())) {
                cleanUpMarkers();
                lastCleanUp = Instant.now();
            }
        } catch (RuntimeException | IOException e) {
            // once a minute at most: a data directory that went away (a stopped, moved server) must not flood the log
            if (lastScanError.plus(Duration.ofMinutes(1)).isBefore(Instant.now())) {
                lastScanError = Instant.now();
                listener.failed("(scan of " + pgWal.resolve("archive_status") + ")", String.valueOf(e.getMessage()));
            }
        }
    }

    private void push(String name) {
        Instant started = Instant.now();
        char[] passphrase = config.encrypt() ? Passphrase.fromEnvironment(config.environment()) : null;
        try {
            WalTransfer.Pushed result = transfer.push(pgWal.resolve(name), config.compression(), passphrase);
            writeMarker(name);
            failedAt.remove(name);
            pushed.incrementAndGet();
            listener.pushed(name, result.alreadyArchived(), Duration.between(started, Instant.now()));
        } catch (RuntimeException e) {
            if (!Files.exists(pgWal.resolve("archive_status").resolve(name + ".ready"))) {
                return; // archived meanwhile by the fallback push, and perhaps recycled: nothing to do
            }
            failedAt.put(name, Instant.now());
            listener.failed(name, String.valueOf(e.getMessage()));
        } catch (IOException e) {
            failedAt.put(name, Instant.now());
            listener.failed(name, "the file was archived, but its marker could not be written: " + e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
            inFlight.remove(name);
        }
    }

    /** The files PostgreSQL has asked to archive and not yet taken as archived, oldest first. */
    private List<String> ready() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pgWal.resolve("archive_status"), "*.ready")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.substring(0, name.length() - ".ready".length());
                if (WalNames.isArchivable(name)) {
                    names.add(name);
                }
            }
        }
        names.sort(null);
        return names;
    }

    private Path marker(String name) {
        return markers.resolve(name + ".ok");
    }

    /** Written only after the file is stored; a rename, so that the archive_command never sees half a marker. */
    private void writeMarker(String name) throws IOException {
        Path temp = PrivateFiles.createTemp(markers, "." + name + ".", ".tmp");
        try {
            Files.move(temp, marker(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes the markers of files PostgreSQL has taken as archived (no {@code .ready} any more) a while ago. */
    private void cleanUpMarkers() throws IOException {
        Instant cutoff = Instant.now().minus(MARKER_KEPT);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(markers, "*.ok")) {
            for (Path marker : files) {
                String name = marker.getFileName().toString();
                name = name.substring(0, name.length() - ".ok".length());
                try {
                    if (!Files.exists(pgWal.resolve("archive_status").resolve(name + ".ready"))
                            && Files.getLastModifiedTime(marker).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(marker);
                    }
                } catch (NoSuchFileException ignored) {
                    // gone meanwhile
                }
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong count = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
