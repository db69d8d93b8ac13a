package dev.mooring.cli.internal;

import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.BackupRun;
import dev.mooring.backup.BackupScheduleStatus;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.backup.ScheduledBackup;
import dev.mooring.core.Durations;
import dev.mooring.backup.BackupSchedule;
import dev.mooring.server.HealthCheck;
import dev.mooring.server.SyncMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code backup --every} and {@code server --backup-every} share: the plan, the lines they print, the health. */
final class ScheduledBackups {
    private ScheduledBackups() {
    }

    /** Counts a finished run: {@code mooring_backup_runs_total{result="ok"|"failed"}}. */
    static void countRun(MeterRegistry registry, BackupRun run) {
        Counter.builder("mooring.backup.runs").description("scheduled backup runs, by result")
                .tag("result", run.succeeded() ? "ok" : "failed").register(registry).increment();
    }

    /** The schedule's state as gauges of the server's metrics. */
    static void bindMetrics(BackupSchedule schedule, SyncMetrics metrics) {
        metrics.gauge("mooring.backup.healthy", "1 when the backup schedule is ok or has not run yet, 0 when it is"
                + " failing or late", null, () -> schedule.status().healthy() ? 1 : 0);
        metrics.gauge("mooring.backup.last_success.timestamp", "when the newest backup the schedule knows was taken,"
                + " in seconds since the epoch (NaN before the first)", "seconds", () -> {
                    Instant at = schedule.status().lastBackupAt();
                    return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
                });
        metrics.gauge("mooring.backup.consecutive_failures", "failed runs since the last success", null,
                () -> schedule.status().consecutiveFailures());
        metrics.gauge("mooring.backup.last_run.duration", "how long the last finished run took (NaN before the first)",
                "seconds", () -> {
                    BackupRun run = schedule.status().lastRun();
                    return run == null ? Double.NaN
                            : Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0;
                });
    }

    /** The retention {@code --keep-days} and {@code --keep-last} ask for; {@code null} (keep all) without --keep-days. */
    static RetentionPolicy retention(Integer keepDays, int keepLast) {
        return keepDays == null ? null : new RetentionPolicy(keepDays, keepLast);
    }

    static ScheduledBackup plan(Duration every, RetentionPolicy retention, boolean verify, List<BackupLocation> copies) {
        return ScheduledBackup.every(every).withRetention(retention).withVerify(verify).withCopies(copies);
    }

    /** One line about a finished run, for a person. */
    static String line(BackupRun run, BackupScheduleStatus status) {
        if (!run.succeeded()) {
            return seconds(run.finishedAt()) + " backup FAILED (exit " + run.exitCode() + "): " + run.error()
                    + (status.nextRunAt() == null ? "" : "; next attempt at " + seconds(status.nextRunAt()));
        }
        String next = status.nextRunAt() == null ? "" : "; next at " + seconds(status.nextRunAt());
        List<String> notes = new ArrayList<>();
        if (run.verified()) {
            notes.add("verified");
        }
        run.copies().forEach(c -> notes.add("copied to " + c));
        notes.add("pruned " + run.pruned());
        return seconds(run.finishedAt()) + " backup ok: " + run.file() + " in " + run.location()
                + " (" + String.join(", ", notes) + ", " + Duration.between(run.startedAt(), run.finishedAt()).toMillis()
                + " ms)" + next;
    }

    /** The JSON line about a finished run. */
    static Map<String, Object> json(BackupRun run, BackupScheduleStatus status) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("run", run);
        doc.put("nextRunAt", status.nextRunAt());
        return doc;
    }

    /** The line that says a schedule started. */
    static String started(String what, BackupScheduleStatus status, RetentionPolicy retention, boolean verify) {
        return "Backing up " + what + " to " + status.location() + " every " + Durations.format(status.every())
                + (verify ? ", verified by a restore" : "")
                + (retention == null ? ", keeping every backup" : ", keeping " + retention.keepDays() + " days"
                + (retention.keepLast() > 0 ? " and the last " + retention.keepLast() + " verified" : ""))
                + (status.lastBackupAt() == null ? "; the first backup now"
                : "; the newest backup there is from " + seconds(status.lastBackupAt()) + ", the next at "
                + seconds(status.nextRunAt()));
    }

    /** The schedule as a health check's result. */
    static HealthCheck.Result health(BackupScheduleStatus status) {
        StringBuilder summary = new StringBuilder(status.state());
        if (status.lastRun() != null && !status.lastRun().succeeded()) {
            summary.append(" (exit ").append(status.exitCode()).append(", ").append(status.consecutiveFailures())
                    .append(" failed run(s)): ").append(status.lastRun().error());
        }
        summary.append(status.lastBackupAt() == null ? ", no backup yet" : ", last backup " + seconds(status.lastBackupAt()));
        if (status.running()) {
            summary.append(", one running since ").append(seconds(status.runningSince()));
        }
        if (status.nextRunAt() != null) {
            summary.append(", next ").append(seconds(status.nextRunAt()));
        }
        return new HealthCheck.Result(status.healthy(), summary.toString(), status);
    }

    private static Instant seconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS);
    }
}
