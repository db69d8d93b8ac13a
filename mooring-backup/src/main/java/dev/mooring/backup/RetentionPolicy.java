package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.util.Objects;

/**
 * Which backups {@link Backups#prune} keeps, per database: every backup younger than {@code keepDays}, the newest
 * {@code keepLast} verified backups, and always the newest verified one. Failed and unverified backups never count
 * toward {@code keepLast}; they survive only while younger than {@code keepDays}. Besides backups, prune removes
 * what interrupted backups left that is older than {@code abandonedAfter}: incomplete multipart uploads in S3,
 * temporary files in a folder.
 *
 * @param keepDays       keep backups taken within this many days, 0 or more
 * @param keepLast       keep this many of the newest verified backups, 0 or more
 * @param abandonedAfter how old an incomplete upload must be to be taken for abandoned and removed: longer than the
 *                       longest backup, since a backup still running has one too
 */
public record RetentionPolicy(int keepDays, int keepLast, Duration abandonedAfter) {
    /** How old an incomplete upload is when it is taken for abandoned, unless said otherwise: a day. */
    public static final Duration DEFAULT_ABANDONED_AFTER = Duration.ofDays(1);

    public RetentionPolicy {
        Objects.requireNonNull(abandonedAfter, "abandonedAfter");
        if (abandonedAfter.isNegative()) {
            throw new MooringException(ErrorCode.USAGE, "--abandoned-after must not be negative, was " + abandonedAfter);
        }
        if (keepDays < 0) {
            throw new MooringException(ErrorCode.USAGE, "--keep-days must be 0 or more, was " + keepDays);
        }
        if (keepLast < 0) {
            throw new MooringException(ErrorCode.USAGE, "--keep-last must be 0 or more, was " + keepLast);
        }
    }

    /** Keeps as said, and takes incomplete uploads for abandoned after {@link #DEFAULT_ABANDONED_AFTER}. */
    public RetentionPolicy(int keepDays, int keepLast) {
        this(keepDays, keepLast, DEFAULT_ABANDONED_AFTER);
    }
}
