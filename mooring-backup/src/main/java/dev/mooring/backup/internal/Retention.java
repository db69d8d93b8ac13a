package dev.mooring.backup.internal;

import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.PruneResult;
import dev.mooring.backup.PruneResult.Decision;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.FolderStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a {@link RetentionPolicy} to the backups in one store. A backup is deleted manifest first, so that it stops
 * being a complete backup before its data goes; a backup without a manifest (an interrupted one) counts as
 * {@code incomplete}. Then what interrupted writes left in the store (S3 multipart uploads, a folder's temporary
 * files) is removed once older than the policy's {@code abandonedAfter}. Stateless.
 */
public final class Retention {
    /** A backup and what its manifest says about it. */
    record Candidate(StoredBackup backup, Instant takenAt, String status) {
        boolean verified() {
            return "verified".equals(status);
        }
    }

    private Retention() {
    }

    /** Prunes the backups in the folder {@code dir}. */
    public static PruneResult prune(Path dir, RetentionPolicy policy, boolean dryRun, Instant now) {
        return prune(FolderStore.open(dir), policy, dryRun, now);
    }

    public static PruneResult prune(BackupStore store, RetentionPolicy policy, boolean dryRun, Instant now) {
        Map<String, List<Candidate>> byDatabase = candidates(store);
        List<Decision> kept = new ArrayList<>();
        List<Decision> deleted = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<StoredBackup> doomed = new ArrayList<>();
        Instant cutoff = now.minus(Duration.ofDays(policy.keepDays()));
        for (Map.Entry<String, List<Candidate>> entry : byDatabase.entrySet()) {
            List<Candidate> newestFirst = entry.getValue();
            List<Candidate> verified = newestFirst.stream().filter(Candidate::verified).toList();
            Candidate safetyNet = verified.isEmpty()
                    ? newestFirst.stream().filter(c -> "unverified".equals(c.status())).findFirst().orElse(null)
                    : verified.get(0);
            if (verified.isEmpty()) {
                warnings.add("No verified backup of " + entry.getKey() + (safetyNet == null ? "."
                        : "; keeping the newest complete one, " + safetyNet.backup().name() + ".")
                        + " Run `mooring verify --restore <file>` so that retention can rely on a proven backup.");
            }
            for (Candidate c : newestFirst) {
                String reason = keepReason(c, cutoff, verified, policy, safetyNet);
                (reason != null ? kept : deleted).add(new Decision(c.backup().file(), c.status(),
                        reason != null ? reason : deleteReason(c, policy)));
                if (reason == null) {
                    doomed.add(c.backup());
                }
            }
        }
        int abandonedRemoved = 0;
        if (!dryRun) {
            for (StoredBackup backup : doomed) {
                store.delete(backup.manifestName());
                store.delete(backup.name());
            }
            abandonedRemoved = store.cleanUpIncomplete(policy.abandonedAfter());
        }
        return new PruneResult(dryRun, kept, deleted, warnings, abandonedRemoved);
    }

    private static String keepReason(Candidate c, Instant cutoff, List<Candidate> verified, RetentionPolicy policy,
                                     Candidate safetyNet) {
        if (c == safetyNet) {
            return c.verified() ? "the newest verified backup" : "the newest complete backup (none is verified)";
        }
        if (!c.takenAt().isBefore(cutoff)) {
            return "younger than " + policy.keepDays() + " days";
        }
        int rank = verified.indexOf(c);
        if (rank >= 0 && rank < policy.keepLast()) {
            return "one of the " + policy.keepLast() + " newest verified backups";
        }
        return null;
    }

    private static String deleteReason(Candidate c, RetentionPolicy policy) {
        String age = "older than " + policy.keepDays() + " days";
        switch (c.status()) {
            case "verified":
                return age + " and not among the " + policy.keepLast() + " newest verified backups";
            case "failed":
                return age + "; its verification failed";
            case "incomplete":
                return age + "; it has no manifest (an interrupted or foreign backup)";
            default:
                return age + "; never verified, so it does not count toward --keep-last";
        }
    }

    /** Backups per database name, newest first. */
    private static Map<String, List<Candidate>> candidates(BackupStore store) {
        Map<String, List<Candidate>> byDatabase = new LinkedHashMap<>();
        for (BackupFiles.Listed listed : BackupFiles.list(store)) {
            Candidate c = new Candidate(listed.backup(), listed.takenAt(),
                    listed.complete() ? status(listed.backup()) : "incomplete");
            byDatabase.computeIfAbsent(BackupNames.database(listed.backup().name()).orElseThrow(), k -> new ArrayList<>())
                    .add(c);
        }
        return byDatabase;
    }

    private static String status(StoredBackup backup) {
        Optional<BackupManifest> manifest;
        try {
            manifest = ManifestStore.read(backup);
        } catch (MooringException e) {
            if (e.code() != ErrorCode.BACKUP_CORRUPT) {
                throw e; // the store failed, which says nothing about the backup
            }
            return "incomplete";
        }
        if (manifest.isEmpty()) {
            return "incomplete";
        }
        BackupManifest.Verification v = manifest.get().verification();
        return v == null ? "unverified" : v.passed() ? "verified" : "failed";
    }
}
