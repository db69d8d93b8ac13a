package dev.mooring.backup.internal;

import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.PruneResult;
import dev.mooring.backup.PruneResult.Decision;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** Applies a {@link RetentionPolicy} to the backups in one folder. Stateless. */
public final class Retention {
    /** A backup file and what its manifest says about it. */
    record Candidate(Path file, Instant takenAt, String status) {
        boolean verified() {
            return "verified".equals(status);
        }
    }

    private Retention() {
    }

    public static PruneResult prune(Path dir, RetentionPolicy policy, boolean dryRun, Instant now) {
        Map<String, List<Candidate>> byDatabase = candidates(dir);
        List<Decision> kept = new ArrayList<>();
        List<Decision> deleted = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Instant cutoff = now.minus(Duration.ofDays(policy.keepDays()));
        for (Map.Entry<String, List<Candidate>> entry : byDatabase.entrySet()) {
            List<Candidate> newestFirst = entry.getValue();
            List<Candidate> verified = newestFirst.stream().filter(Candidate::verified).toList();
            Candidate safetyNet = verified.isEmpty()
                    ? newestFirst.stream().filter(c -> "unverified".equals(c.status())).findFirst().orElse(null)
                    : verified.get(0);
            if (verified.isEmpty()) {
                warnings.add("No verified backup of " + entry.getKey() + (safetyNet == null ? "."
                        : "; keeping the newest complete one, " + safetyNet.file().getFileName() + ".")
                        + " Run `mooring verify --restore <file>` so that retention can rely on a proven backup.");
            }
            for (Candidate c : newestFirst) {
                String reason = keepReason(c, cutoff, verified, policy, safetyNet);
                (reason != null ? kept : deleted).add(new Decision(c.file(), c.status(),
                        reason != null ? reason : deleteReason(c, policy)));
            }
        }
        if (!dryRun) {
            for (Decision d : deleted) {
                delete(d.file());
            }
        }
        return new PruneResult(dryRun, kept, deleted, warnings);
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
    private static Map<String, List<Candidate>> candidates(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The backup folder " + dir + " does not exist: check --dir.");
        }
        Map<String, List<Candidate>> byDatabase = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(BackupNames::isBackup)
                    .map(f -> new Candidate(f, BackupNames.takenAt(f).orElseThrow(), status(f)))
                    .sorted(Comparator.comparing(Candidate::takenAt).reversed())
                    .forEach(c -> byDatabase.computeIfAbsent(BackupNames.database(c.file()).orElseThrow(),
                            k -> new ArrayList<>()).add(c));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not list " + dir + ": " + e.getMessage(), e);
        }
        return byDatabase;
    }

    private static String status(Path file) {
        Optional<BackupManifest> manifest;
        try {
            manifest = ManifestStore.read(file);
        } catch (MooringException e) {
            return "incomplete";
        }
        if (manifest.isEmpty()) {
            return "incomplete";
        }
        BackupManifest.Verification v = manifest.get().verification();
        return v == null ? "unverified" : v.passed() ? "verified" : "failed";
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(ManifestStore.pathOf(file));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not delete " + file + ": " + e.getMessage(), e);
        }
    }
}
