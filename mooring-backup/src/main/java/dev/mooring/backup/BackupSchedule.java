package dev.mooring.backup;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Takes backups of one database on a schedule ({@link ScheduledBackup}): each run backs up, verifies if asked,
 * copies, and then applies the retention to every place, only after a success. Runs never overlap: one thread runs
 * them, and a run that comes due while the one before still runs is skipped (and counted), never started beside it.
 * A failed run is reported to the {@link Listener} and in {@link #status()}, and retried after
 * {@link ScheduledBackup#retryAfter()}.
 *
 * <p>The first run is due {@code every} after the newest complete backup of the database already in the location,
 * or at once when there is none: a restarted schedule keeps its rhythm instead of taking a backup at every start.
 *
 * <pre>{@code
 * try (BackupSchedule schedule = BackupSchedule.start(url, BackupConfig.defaults(),
 *         ScheduledBackup.every(Duration.ofHours(24)).withRetention(new RetentionPolicy(14, 3)), null, listener)) {
 *     ... // serve; schedule.status() for the health report
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class BackupSchedule implements AutoCloseable {

    /** Hears about runs; called on the schedule's thread, so it should return quickly. Exceptions are ignored. */
    public interface Listener {
        /** The schedule started; {@code status} says when the first run is due. Told before any run. */
        default void scheduled(BackupScheduleStatus status) {
        }

        /** A run starts. */
        default void started(Instant at) {
        }

        /** A run ended, successfully or not; {@code status} is the schedule's after it (the next run is due). */
        void finished(BackupRun run, BackupScheduleStatus status);

        /**
         * {@code count} regular runs were skipped because the run that started at {@code runningSince} still ran;
         * told just before that run's {@link #finished}.
         */
        default void skipped(long count, Instant runningSince) {
        }
    }

    /** What one run does; a seam for tests of the timing. Throws a {@link MooringException} on failure. */
    interface Job {
        BackupRun run(Instant startedAt);
    }

    private final ScheduledBackup plan;
    private final String location;
    private final Job job;
    private final Listener listener;
    private final ScheduledExecutorService timer;

    private boolean running;
    private Instant runningSince;
    private Instant nextRunAt;
    private Instant lastBackupAt;
    private BackupRun lastRun;
    private int consecutiveFailures;
    private long skippedRuns;
    private boolean closed;

    BackupSchedule(ScheduledBackup plan, String location, Job job, Listener listener) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.location = location;
        this.job = job;
        this.listener = Objects.requireNonNull(listener, "listener");
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mooring-backup-schedule");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.timer = executor;
    }

    /**
     * Starts the schedule for the database at {@code url}, backing up with {@code config}.
     *
     * @param scratch  where verifications restore to, called once per verification (an {@link AutoCloseable} result
     *                 is closed after it); {@code null} when the plan does not verify or the database is SQLite
     * @throws MooringException as {@link Backups#lastBackupAt()} when the database or the location cannot be reached
     *                          at all (a missing bucket, refused credentials): a schedule that fails from its start
     *                          says so at once rather than at its first run
     */
    public static BackupSchedule start(DatabaseUrl url, BackupConfig config, ScheduledBackup plan,
                                       Supplier<? extends ScratchServer> scratch, Listener listener) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(config, "config");
        if (plan.verify() && scratch == null && !"sqlite".equals(url.dialect().name())) {
            throw new IllegalArgumentException("verifying PostgreSQL backups needs a scratch server");
        }
        Backups backups = Backups.create(url, config);
        Optional<Instant> last = backups.lastBackupAt();
        BackupSchedule schedule = new BackupSchedule(plan, config.location().describe(),
                startedAt -> runOnce(backups, config, plan, scratch, startedAt), listener);
        schedule.begin(last.orElse(null), Instant.now());
        return schedule;
    }

    /** Schedules the first run, given the newest backup already there. */
    void begin(Instant lastBackup, Instant now) {
        Instant regular = lastBackup == null ? now : plan.nextAfterSuccess(lastBackup);
        Instant first = regular.isBefore(now) ? now : regular;
        synchronized (this) {
            lastBackupAt = lastBackup;
            nextRunAt = first;
        }
        notify(() -> listener.scheduled(status()));
        synchronized (this) {
            scheduleAt(first, Instant.now());
        }
    }

    /** Where the schedule is now. */
    public synchronized BackupScheduleStatus status() {
        Instant now = Instant.now();
        String state;
        Instant since = lastBackupAt;
        if (lastRun != null && !lastRun.succeeded()) {
            state = "failing";
        } else if (since != null && since.plus(plan.every().multipliedBy(2)).isBefore(now)) {
            state = "late";
        } else if (since == null && lastRun == null) {
            state = running && runningSince.plus(plan.every().multipliedBy(2)).isBefore(now) ? "late" : "pending";
        } else {
            state = "ok";
        }
        return new BackupScheduleStatus(state, lastRun == null ? 0 : lastRun.exitCode(), plan.every(), location,
                running, runningSince, closed ? null : nextRunAt, lastBackupAt, lastRun, consecutiveFailures,
                skippedRuns);
    }

    /** Stops the schedule; a backup that is running is interrupted, and its upload or partial file removed. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void scheduleAt(Instant due, Instant now) {
        if (closed) {
            return;
        }
        nextRunAt = due;
        timer.schedule(this::runDue, Math.max(0, Duration.between(now, due).toMillis()), TimeUnit.MILLISECONDS);
    }

    private void runDue() {
        Instant started = Instant.now();
        synchronized (this) {
            if (closed) {
                return;
            }
            running = true;
            runningSince = started;
        }
        notify(() -> listener.started(started));
        BackupRun run;
        try {
            run = job.run(started);
        } catch (MooringException e) {
            run = failure(started, e.code().exitCode(), e.getMessage());
        } catch (RuntimeException e) {
            run = failure(started, ErrorCode.IO.exitCode(), e.toString());
        }
        Instant finished = run.finishedAt();
        long skipped;
        synchronized (this) {
            running = false;
            runningSince = null;
            lastRun = run;
            if (run.succeeded()) {
                consecutiveFailures = 0;
                lastBackupAt = started;
            } else {
                consecutiveFailures++;
            }
            Instant due = run.succeeded() ? plan.nextAfterSuccess(started) : plan.nextAfterFailure(started, finished);
            skipped = 0;
            // the regular runs that came due while this one ran are skipped, keeping the rhythm
            while (run.succeeded() && !due.isAfter(finished)) {
                due = due.plus(plan.every());
                skipped++;
            }
            skippedRuns += skipped;
            scheduleAt(due, Instant.now());
        }
        if (skipped > 0) {
            long count = skipped;
            notify(() -> listener.skipped(count, started));
        }
        BackupRun reported = run;
        BackupScheduleStatus after = status();
        notify(() -> listener.finished(reported, after));
    }

    private BackupRun failure(Instant started, int exitCode, String error) {
        return new BackupRun(started, Instant.now(), false, exitCode, null, location, List.of(), false, 0, error);
    }

    private static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException ignored) {
            // a listener's failure must not stop the schedule
        }
    }

    /** One run: the backup, the verification, the copies, then the retention of every place. */
    private static BackupRun runOnce(Backups backups, BackupConfig config, ScheduledBackup plan,
                                     Supplier<? extends ScratchServer> scratch, Instant started) {
        String where = config.location().describe();
        BackupManifest manifest = backups.backup();
        String name = manifest.file();
        List<String> copied = new ArrayList<>();
        boolean verified = false;
        try {
            if (plan.verify()) {
                VerifyResult result = verify(name, config, scratch);
                if (!result.passed()) {
                    return new BackupRun(started, Instant.now(), false, ErrorCode.BACKUP_CORRUPT.exitCode(), name, where,
                            copied, false, 0, "the backup " + name + " in " + where + " failed its verification: "
                            + String.join("; ", result.problems()));
                }
                verified = true;
            }
            for (BackupLocation copy : plan.copies()) {
                Backups.copy(name, config, copy);
                copied.add(copy.describe());
            }
            int pruned = plan.retention() == null ? 0 : Backups.prune(config, plan.copies(), plan.retention()).values()
                    .stream().mapToInt(r -> r.deleted().size()).sum();
            return new BackupRun(started, Instant.now(), true, 0, name, where, copied, verified, pruned, null);
        } catch (MooringException e) {
            return new BackupRun(started, Instant.now(), false, e.code().exitCode(), name, where, copied, verified, 0,
                    "the backup " + name + " is complete in " + where + ", but then: " + e.getMessage());
        }
    }

    private static VerifyResult verify(String name, BackupConfig config, Supplier<? extends ScratchServer> scratch) {
        ScratchServer server = scratch == null ? null : scratch.get();
        try {
            return Backups.verifyNamed(name, true, server, config);
        } finally {
            if (server instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // a scratch server that fails to stop does not change the verdict
                }
            }
        }
    }
}
