package dev.mooring.backup;

import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.pitr.ArchiveContinuity;
import dev.mooring.backup.internal.pitr.BaseBackupUnpack;
import dev.mooring.backup.internal.pitr.BaseManifests;
import dev.mooring.backup.internal.pitr.Lsn;
import dev.mooring.backup.internal.pitr.PostgresPrograms;
import dev.mooring.backup.internal.pitr.RecoveryLog;
import dev.mooring.backup.internal.pitr.RecoveryServer;
import dev.mooring.backup.internal.pitr.RecoverySettings;
import dev.mooring.backup.internal.pitr.RestoredDatabases;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Restores a PostgreSQL server to a moment: lays the newest base backup that finished before the target down into
 * an empty data directory, configures recovery to fetch WAL with {@code mooring wal fetch} and stop at the target,
 * starts the server to recover and promote, and reads it back (every database's tables and row counts, the
 * migration history). The archive's continuity is checked before any server starts: a segment missing between the
 * base backup and the target is an error naming it, and so is recovery that stopped short of the target.
 *
 * <p>Stateless apart from its settings; one restore at a time per data directory.
 */
public final class PointInTimeRestore {
    private final BackupConfig config;

    private PointInTimeRestore(BackupConfig config) {
        this.config = config;
    }

    /** Restores from the base backups and WAL archive under {@code config}'s location, with its environment. */
    public static PointInTimeRestore create(BackupConfig config) {
        return new PointInTimeRestore(Objects.requireNonNull(config, "config"));
    }

    /**
     * Restores as {@code options} say.
     *
     * @throws MooringException {@code USAGE} when the data directory is not empty; {@code RESTORE_FAILED} when no
     *         base backup precedes the target, the archive has a gap before it, or recovery fails (with the server's
     *         log); {@code CONFIGURATION} when no PostgreSQL programs of the backup's version are found
     */
    public PitrResult restore(PitrOptions options) {
        Objects.requireNonNull(options, "options");
        long began = System.nanoTime();
        Path pgdata = options.pgdata().toAbsolutePath().normalize();
        refuseNonEmpty(pgdata);
        List<String> warnings = new ArrayList<>();
        BaseBackupManifest base;
        try (BackupStore store = Stores.open(BaseBackups.location(config.location()), config.environment());
             WalArchive archive = WalArchive.open(config)) {
            base = choose(BaseManifests.list(store), options.target(), store.describe());
            ArchiveContinuity continuity = ArchiveContinuity.check(base, archive.names(), archive.describe());
            if (continuity.gap().isPresent()) {
                if (options.target() instanceof RecoveryTarget.Latest || options.target() instanceof RecoveryTarget.Position p
                        && Lsn.parse(p.lsn()).segment(base.timeline(), base.walSegmentSize()).number()
                        >= continuity.gap().get().number()) {
                    throw continuity.gapError(archive.describe(), options.target().describe());
                }
                warnings.add("the WAL archive is missing segment " + continuity.gap().get().name() + " after "
                        + continuity.lastContiguous().name() + ": recovery cannot go past it");
            }
            Path bin = PostgresPrograms.find(base.majorVersion(), options.pgBin(), options.fallbackPgBin(),
                    config.environment());
            BaseBackupUnpack.unpack(store, base, pgdata, () -> Passphrase.fromEnvironment(config.environment()));
            RecoverySettings.write(pgdata, RecoverySettings.restoreCommand(options.mooringCommand(), config.location()),
                    options.target());
            return recover(options, base, bin, pgdata, continuity, archive.describe(), warnings, began);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not prepare " + pgdata + " for recovery: " + e.getMessage(), e);
        }
    }

    private PitrResult recover(PitrOptions options, BaseBackupManifest base, Path bin, Path pgdata,
                               ArchiveContinuity continuity, String archive, List<String> warnings, long began)
            throws IOException {
        Path log = Files.createDirectories(pgdata.resolve("log")).resolve("mooring-recovery.log");
        int port = options.port() != 0 ? options.port() : freePort();
        RecoveryServer server = RecoveryServer.start(bin, pgdata, port, !options.keepRunning(), log, options.timeout(),
                config.environment());
        if (server == null || !server.awaitPromotion(options.user(), options.password(), options.timeout())) {
            throw failed(log, continuity, archive, options.target(), pgdata, server);
        }
        boolean stopped = false;
        try {
            RestoredDatabases.Summary summary = RestoredDatabases.read(server, options.user(), options.password(),
                    config.historyTable());
            RecoveryLog recovery = RecoveryLog.read(log);
            if (!options.keepRunning()) {
                server.stop();
                stopped = true;
            }
            return new PitrResult(base.name(), options.target().describe(), pgdata, bin, recovery.lastTransaction(),
                    recovery.stoppingLine(), recovery.restoredFiles(), summary.tables(), summary.schemaVersions(),
                    !stopped, port, log, warnings, (System.nanoTime() - began) / 1_000_000);
        } finally {
            if (!stopped && !options.keepRunning()) {
                server.stop();
            }
        }
    }

    private static MooringException failed(Path log, ArchiveContinuity continuity, String archive, RecoveryTarget target,
                                           Path pgdata, RecoveryServer server) {
        if (server != null) {
            try {
                server.stop();
            } catch (MooringException ignored) {
                // it stopped on its own, which is why we are here
            }
        }
        String tail = RecoveryServer.logTail(log, 15);
        if (tail.contains("recovery ended before configured recovery target was reached") && continuity.gap().isPresent()) {
            return continuity.gapError(archive, target.describe());
        }
        return new MooringException(ErrorCode.RESTORE_FAILED, "recovery of " + pgdata + " failed; the end of the server's"
                + " log (" + log + "):\n" + tail + "\nThe data directory is left for inspection: empty it before trying"
                + " again");
    }

    static BaseBackupManifest choose(List<BaseBackupManifest> backups, RecoveryTarget target, String where) {
        if (backups.isEmpty()) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "there is no base backup in " + where + ": take one"
                    + " with mooring basebackup");
        }
        BaseBackupManifest chosen = null;
        for (BaseBackupManifest b : backups) {
            boolean before = true;
            if (target instanceof RecoveryTarget.Time t) {
                before = !b.stoppedAt().isAfter(t.at());
            } else if (target instanceof RecoveryTarget.Position p) {
                before = Lsn.parse(b.stopLsn()).compareTo(Lsn.parse(p.lsn())) <= 0;
            }
            if (before && (chosen == null || b.stoppedAt().isAfter(chosen.stoppedAt()))) {
                chosen = b;
            }
        }
        if (chosen == null) {
            BaseBackupManifest oldest = backups.get(0);
            throw new MooringException(ErrorCode.RESTORE_FAILED, "no base backup in " + where + " finished before "
                    + target.describe() + ": the oldest, " + oldest.name() + ", can restore to " + oldest.stoppedAt()
                    + " (WAL position " + oldest.stopLsn() + ") or later");
        }
        return chosen;
    }

    private static void refuseNonEmpty(Path pgdata) {
        if (!Files.exists(pgdata)) {
            return;
        }
        if (!Files.isDirectory(pgdata)) {
            throw new MooringException(ErrorCode.USAGE, pgdata + " is a file, not a folder: give --pgdata an empty or new folder");
        }
        try (var entries = Files.list(pgdata)) {
            if (entries.findAny().isPresent()) {
                throw new MooringException(ErrorCode.USAGE, "the data directory " + pgdata + " is not empty: a"
                        + " point-in-time restore creates a new data directory and never writes over one. Give --pgdata"
                        + " a new or empty folder (stop the server and move its old data directory aside first)");
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + pgdata + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
