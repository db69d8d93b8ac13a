package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupEngine;
import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.BackupRun;
import dev.mooring.backup.BackupSchedule;
import dev.mooring.backup.BackupScheduleStatus;
import dev.mooring.backup.Backups;
import dev.mooring.backup.Compression;
import dev.mooring.backup.PruneResult;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.backup.VerifyResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * {@code mooring backup}: one consistent, checksummed backup file plus its manifest, in a folder or S3, and with
 * {@code --copy-to} a second copy elsewhere.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a PostgreSQL database (a plain SQL script that psql can restore too) or a SQLite file (with"
                + " SQLite's online backup API) into --dir, with a JSON manifest of row counts, checksums and SHA-256."
                + " An s3:// --dir streams the backup into the bucket as it is written; the manifest comes last, so an"
                + " interrupted backup is never taken for a complete one.")
public final class BackupCommand extends DatabaseCommand {
    @Mixin
    BackupOptions backup;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "zstd",
            description = "Compression. Default: ${DEFAULT-VALUE}.")
    String compress;

    @Option(names = "--jobs", defaultValue = "1", description = "Parallel workers for a PostgreSQL backup, sharing one"
            + " snapshot. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM, keyed by the passphrase in $"
            + BackupConfig.PASSPHRASE_VARIABLE + ".")
    boolean encrypt;

    @Option(names = "--engine", paramLabel = "builtin|pg_dump", defaultValue = "builtin",
            description = "What writes a PostgreSQL backup: Mooring's own engine (needs no client tools) or an installed"
                    + " pg_dump at least as new as the server. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--no-privileges", description = "Leave the privileges (GRANTs, default privileges) of the"
            + " PostgreSQL objects out of the backup. By default they are in it, as in pg_dump's; roles never are.")
    boolean noPrivileges;

    @Option(names = "--verify", description = "Afterwards, restore the backup into a scratch database and compare it"
            + " (see `mooring verify --restore`).")
    boolean verify;

    @Option(names = "--copy-to", paramLabel = "DIR|s3://BUCKET/PREFIX", description = "Keep a second copy of the"
            + " backup and its manifest here too (after --verify, so the copy's manifest records it), such as a bucket"
            + " beside a local --dir. Repeatable; `mooring prune` then takes a --dir for each place.")
    List<String> copyTo = new ArrayList<>();

    @Option(names = "--keep-days", paramLabel = "N", description = "After a successful backup (and its verification,"
            + " with --verify), delete the backups older than N days in --dir and every --copy-to, as `mooring prune"
            + " --keep-days N` does: the newest verified backup is never deleted. Default: keep every backup.")
    Integer keepDays;

    @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0", description = "With --keep-days, also keep the"
            + " N newest verified backups, however old. Default: ${DEFAULT-VALUE}.")
    int keepLast;

    @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class, description = "Keep"
            + " running, backing up every DURATION (such as 24h or 30m) until stopped (Ctrl+C, SIGTERM). The first backup"
            + " comes DURATION after the newest one of this database already in --dir, or at once. Each run prints a"
            + " line (with --json, a JSON document); a failed run is reported and tried again after 15 minutes; a run"
            + " due while the one before still runs is skipped.")
    Duration every;

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        List<String> places = new ArrayList<>(List.of(backup.dir));
        places.addAll(copyTo);
        BackupLocation location = backup.store.location(backup.dir, places);
        List<BackupLocation> copies = copyTo.stream().map(c -> backup.store.location(c, places)).toList();
        BackupConfig config = BackupConfig.defaults().withLocation(location).withHistoryTable(db.table)
                .withCompression(Compression.parse(compress))
                .withJobs(jobs).withEncrypt(encrypt).withEngine(BackupEngine.parse(engine)).withPrivileges(!noPrivileges);
        if (keepDays == null && keepLast > 0) {
            throw new MooringException(ErrorCode.USAGE, "--keep-last applies with --keep-days: add --keep-days N");
        }
        RetentionPolicy retention = ScheduledBackups.retention(keepDays, keepLast);
        if (every != null) {
            return runOnSchedule(url, config, retention, copies, out);
        }
        ProgressBar progress = ProgressBar.forConsole(spec.commandLine().getErr());
        BackupManifest manifest;
        try {
            manifest = Backups.create(url, config).withProgress(progress).backup();
        } finally {
            progress.finish();
        }
        String where = StoreOptions.where(location, manifest.file());
        VerifyResult verification = verify
                ? VerifyCommand.verify(new StoreOptions.Named(location, manifest.file()), true, config, null) : null;
        List<String> copied = new ArrayList<>();
        for (BackupLocation copy : copies) {
            try {
                Backups.copy(manifest.file(), config, copy);
            } catch (MooringException e) {
                throw new MooringException(e.code(), "The backup is complete in " + where + (copied.isEmpty() ? ""
                        : " and " + String.join(", ", copied)) + ", but its copy to " + copy.describe() + " failed: "
                        + e.getMessage(), e);
            }
            copied.add(StoreOptions.where(copy, manifest.file()));
        }
        boolean passed = verification == null || verification.passed();
        // retention only after a backup that is complete everywhere and, when asked, proven
        Map<String, PruneResult> pruned = retention != null && passed
                ? Backups.prune(config, copies, retention) : Map.of();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", where);
            doc.put("copies", copied);
            doc.put("manifest", verification != null ? verification.manifest() : manifest);
            if (retention != null) {
                doc.put("pruned", pruned);
            }
            Output.json(out, doc);
        } else {
            Output.text(out, render(manifest, where));
            copied.forEach(c -> Output.text(out, "  copy:   " + c));
            if (verification != null) {
                Output.text(out, VerifyCommand.render(verification, where));
            }
            pruned.forEach((place, result) -> Output.text(out, "  pruned: " + place + ": deleted "
                    + result.deleted().size() + ", kept " + result.kept().size()
                    + result.warnings().stream().map(w -> "; warning: " + w).collect(Collectors.joining())));
            if (retention != null && !passed) {
                Output.text(out, "  pruned: nothing, since the backup failed its verification");
            }
        }
        return passed ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    /** {@code --every}: backs up on a schedule until stopped, a line per run. */
    private int runOnSchedule(DatabaseUrl url, BackupConfig config, RetentionPolicy retention,
                              List<BackupLocation> copies, PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        StopOnSignal stop = new StopOnSignal("mooring-backup-stop");
        BackupSchedule.Listener listener = new BackupSchedule.Listener() {
            @Override
            public void scheduled(BackupScheduleStatus status) {
                String started = ScheduledBackups.started(url.redacted(), status, retention, verify) + " (Ctrl+C stops)";
                print(out, () -> Output.jsonLine(out, Map.of("note", started)), started);
            }

            @Override
            public void finished(BackupRun run, BackupScheduleStatus status) {
                String line = ScheduledBackups.line(run, status);
                print(run.succeeded() ? out : err, () -> Output.jsonLine(out, ScheduledBackups.json(run, status)), line);
            }

            @Override
            public void skipped(long count, Instant runningSince) {
                String line = "note: skipped " + count + " backup(s) due while the one started at " + runningSince
                        + " still ran";
                print(err, () -> Output.jsonLine(out, Map.of("note", line)), line);
            }

            /** A line as text to {@code stream}, or with --json as the JSON {@code asJson} prints to stdout. */
            private void print(PrintWriter stream, Runnable asJson, String text) {
                synchronized (out) {
                    if (json) {
                        asJson.run();
                    } else {
                        stream.println(text);
                    }
                    out.flush();
                    err.flush();
                }
            }
        };
        try (BackupSchedule ignored = BackupSchedule.start(url, config,
                ScheduledBackups.plan(every, retention, verify, copies), VerifyCommand.EmbeddedScratch::new, listener)) {
            new CountDownLatch(1).await(); // until interrupted: by Ctrl+C or SIGTERM (StopOnSignal), or the embedder
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            stop.release();
        }
    }

    static String render(BackupManifest m, String where) {
        return "Backed up " + m.source() + " (" + m.dialect() + " " + m.serverVersion() + ", schema version "
                + (m.schemaVersion() == null ? "none" : m.schemaVersion()) + ")\n"
                + "  file:   " + where + "\n"
                + "  tables: " + m.tables().size() + ", rows: " + m.totalRows() + "\n"
                + "  size:   " + Sizes.human(m.contentBytes()) + " -> " + Sizes.human(m.fileBytes()) + " (" + m.compression()
                + (m.encrypted() ? ", " + m.encryption() : "") + ") in " + m.durationMs() + " ms\n"
                + "  sha256: " + m.sha256();
    }
}
