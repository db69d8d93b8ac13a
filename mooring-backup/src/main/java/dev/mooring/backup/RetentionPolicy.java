package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * Which backups {@link Backups#prune} keeps, per database: every backup younger than {@code keepDays}, the newest
 * {@code keepLast} verified backups, and always the newest verified one. Failed and unverified backups never count
 * toward {@code keepLast}; they survive only while younger than {@code keepDays}.
 *
 * @param keepDays keep backups taken within this many days, 0 or more
 * @param keepLast keep this many of the newest verified backups, 0 or more
 */
public record RetentionPolicy(int keepDays, int keepLast) {
    public RetentionPolicy {
        if (keepDays < 0) {
            throw new MooringException(ErrorCode.USAGE, "--keep-days must be 0 or more, was " + keepDays);
        }
        if (keepLast < 0) {
            throw new MooringException(ErrorCode.USAGE, "--keep-last must be 0 or more, was " + keepLast);
        }
    }
}
