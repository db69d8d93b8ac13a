package dev.mooring.backup;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a {@link BackupSchedule} is, for a health report. Immutable snapshot.
 *
 * @param state               {@code ok} (the last run succeeded, or a backup younger than the interval was found at
 *                            start), {@code failing} (the last run failed), {@code late} (no backup succeeded for
 *                            twice the interval, such as one still running since then), or {@code pending} (no run
 *                            yet and no earlier backup found)
 * @param exitCode            the last run's exit code (0 when it succeeded or none ran yet)
 * @param every               the interval
 * @param location            where backups go
 * @param running             whether a run is in progress
 * @param runningSince        when that run started; {@code null} when none runs
 * @param nextRunAt           when the next run is due; {@code null} once the schedule is closed
 * @param lastBackupAt        when the newest backup known to the schedule was taken: its own last success, or the
 *                            newest one in the location at start; {@code null} when there is none
 * @param lastRun             the last finished run; {@code null} before the first
 * @param consecutiveFailures failed runs since the last success
 * @param skippedRuns         regular runs skipped because the run before them still ran
 */
public record BackupScheduleStatus(String state, int exitCode, Duration every, String location, boolean running,
                                   Instant runningSince, Instant nextRunAt, Instant lastBackupAt, BackupRun lastRun,
                                   int consecutiveFailures, long skippedRuns) {

    /** Whether the schedule is doing its job: {@code ok}, or {@code pending} before its first run. */
    public boolean healthy() {
        return state.equals("ok") || state.equals("pending");
    }
}
