package dev.mooring.backup;

import dev.mooring.core.Durations;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link BackupSchedule} does at each run, besides the backup itself. Immutable; {@code withX} returns a
 * changed copy.
 *
 * @param every     how often a backup is taken (at least a second): the next run is due this long after the last
 *                  backup started; a run due while one still runs is skipped, never run beside it
 * @param retention applied to every place after each successful backup (never after a failed one); {@code null}
 *                  keeps every backup
 * @param verify    whether each backup is proven by a restore into a scratch database before it counts as a success
 * @param copies    further places each backup is copied to (after the verification), pruned by the same retention
 * @param retryAfter after a failed run, how soon the next attempt comes (or at the next regular time, if sooner)
 */
public record ScheduledBackup(Duration every, RetentionPolicy retention, boolean verify, List<BackupLocation> copies,
                              Duration retryAfter) {
    /** After a failure, the next attempt comes at most this long after it, unless {@code every} is shorter. */
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(15);

    public ScheduledBackup {
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(retryAfter, "retryAfter");
        copies = List.copyOf(copies);
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MooringException(ErrorCode.USAGE, "a backup schedule runs at most once a second, not every "
                    + Durations.format(every) + ": give an interval of 1s or more, such as 24h");
        }
        if (retryAfter.isNegative() || retryAfter.isZero()) {
            throw new MooringException(ErrorCode.USAGE, "the retry interval must be more than zero, not "
                    + Durations.format(retryAfter));
        }
    }

    /** A backup every {@code every}, keeping every backup, without verification or copies. */
    public static ScheduledBackup every(Duration every) {
        return new ScheduledBackup(every, null, false, List.of(), DEFAULT_RETRY_AFTER);
    }

    public ScheduledBackup withRetention(RetentionPolicy value) {
        return new ScheduledBackup(every, value, verify, copies, retryAfter);
    }

    public ScheduledBackup withVerify(boolean value) {
        return new ScheduledBackup(every, retention, value, copies, retryAfter);
    }

    public ScheduledBackup withCopies(List<BackupLocation> value) {
        return new ScheduledBackup(every, retention, verify, value, retryAfter);
    }

    public ScheduledBackup withRetryAfter(Duration value) {
        return new ScheduledBackup(every, retention, verify, copies, value);
    }

    /** When the run after one that started at {@code started} is due: {@code every} later. */
    Instant nextAfterSuccess(Instant started) {
        return started.plus(every);
    }

    /** When the attempt after a failed run that ended at {@code failedAt} is due. */
    Instant nextAfterFailure(Instant startedAt, Instant failedAt) {
        Instant regular = startedAt.plus(every);
        Instant retry = failedAt.plus(retryAfter);
        return regular.isBefore(retry) ? regular : retry;
    }
}
