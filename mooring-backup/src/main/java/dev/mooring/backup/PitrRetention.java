package dev.mooring.backup;

import dev.mooring.backup.internal.pitr.BaseManifests;
import dev.mooring.backup.internal.pitr.WalNames;
import dev.mooring.backup.internal.pitr.WalSegment;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Retention for point-in-time recovery: base backups (in the location's {@code base} part) and the WAL archive (its
 * {@code wal} part). With {@link RetentionPolicy#keepDays()} days, every moment of the last that many days stays
 * restorable: every base backup that stopped within them is kept, and so is the newest one that stopped before
 * them, since a restore to the window's first moments starts from it. The {@link RetentionPolicy#keepLast()} newest
 * and always the newest are kept too. Then only the WAL that no kept base backup needs goes: segments before the
 * oldest kept base backup's first segment, on any timeline, with their {@code .backup} and {@code .partial} files.
 * Timeline history files are never deleted. Without any base backup, no WAL is deleted.
 *
 * <p>Base backups are deleted manifest first, so an interrupted prune leaves an archive file without a manifest,
 * which no restore picks and the next prune does not count. Stateless and thread-safe.
 */
public final class PitrRetention {
    private PitrRetention() {
    }

    /** Applies {@code policy} to the base backups and WAL under {@code config.location()}. */
    public static PitrPruneResult prune(BackupConfig config, RetentionPolicy policy, boolean dryRun) {
        return prune(config, policy, dryRun, Instant.now());
    }

    static PitrPruneResult prune(BackupConfig config, RetentionPolicy policy, boolean dryRun, Instant now) {
        Objects.requireNonNull(policy, "policy");
        List<String> warnings = new ArrayList<>();
        List<PruneResult.Decision> kept = new ArrayList<>();
        List<PruneResult.Decision> deleted = new ArrayList<>();
        List<BaseBackupManifest> keptManifests = new ArrayList<>();
        try (BackupStore base = Stores.open(BaseBackups.location(config.location()), config.environment())) {
            List<BaseBackupManifest> newestFirst = new ArrayList<>(BaseManifests.list(base));
            newestFirst.sort(Comparator.comparing(BaseBackupManifest::stoppedAt).reversed());
            Instant windowStart = now.minus(Duration.ofDays(policy.keepDays()));
            boolean keptOneBeforeWindow = false;
            for (int i = 0; i < newestFirst.size(); i++) {
                BaseBackupManifest m = newestFirst.get(i);
                String reason;
                if (i == 0) {
                    reason = "the newest base backup";
                } else if (!m.stoppedAt().isBefore(windowStart)) {
                    reason = "stopped within " + policy.keepDays() + " days";
                } else if (!keptOneBeforeWindow) {
                    reason = "the newest before the " + policy.keepDays() + "-day window: restores to its first moments"
                            + " start from it";
                } else if (i < policy.keepLast()) {
                    reason = "one of the " + policy.keepLast() + " newest";
                } else {
                    reason = null;
                }
                if (m.stoppedAt().isBefore(windowStart)) {
                    keptOneBeforeWindow = true;
                }
                PruneResult.Decision decision = new PruneResult.Decision(Path.of(m.file()), "base backup",
                        reason == null ? "older than " + policy.keepDays() + " days and not needed for the window" : reason);
                if (reason != null) {
                    kept.add(decision);
                    keptManifests.add(m);
                } else {
                    deleted.add(decision);
                    if (!dryRun) {
                        base.delete(m.name() + ".json");
                        base.delete(m.file());
                    }
                }
            }
            if (!dryRun && base.localFolder().map(java.nio.file.Files::isDirectory).orElse(true)) {
                base.cleanUpIncomplete(policy.abandonedAfter());
            }
        }
        int walDeleted = 0;
        int walKept = 0;
        String oldest = null;
        try (BackupStore wal = Stores.open(WalArchive.location(config.location()), config.environment())) {
            List<String> names = wal.localFolder().isPresent() && !java.nio.file.Files.isDirectory(wal.localFolder().get())
                    ? List.of() : wal.list().stream().map(o -> o.name()).filter(WalNames::isArchivable).toList();
            if (keptManifests.isEmpty()) {
                if (!names.isEmpty()) {
                    warnings.add("there is no base backup in " + config.location().describe() + ": no WAL was deleted;"
                            + " take one with mooring basebackup");
                }
                walKept = names.size();
            } else {
                BaseBackupManifest first = keptManifests.stream()
                        .min(Comparator.comparing((BaseBackupManifest m) -> segment(m.startWal(), m))).orElseThrow();
                WalSegment needed = segment(first.startWal(), first);
                oldest = needed.name();
                for (String name : names) {
                    if (!name.endsWith(".history") && segment(name.substring(0, 24), first).number() < needed.number()) {
                        walDeleted++;
                        if (!dryRun) {
                            wal.delete(name);
                        }
                    } else {
                        walKept++;
                    }
                }
            }
            if (!dryRun && wal.localFolder().map(java.nio.file.Files::isDirectory).orElse(true)) {
                wal.cleanUpIncomplete(policy.abandonedAfter()); // uploads of pushes that were killed
            }
        }
        return new PitrPruneResult(dryRun, kept, deleted, walDeleted, walKept, oldest, warnings);
    }

    private static WalSegment segment(String name, BaseBackupManifest m) {
        return WalSegment.parse(name, m.walSegmentSize());
    }
}
