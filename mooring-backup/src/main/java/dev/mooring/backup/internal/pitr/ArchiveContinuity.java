package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.BaseBackupManifest;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Whether the WAL archive holds every segment recovery from a base backup needs, checked before any server starts.
 * A segment counts as present on the base backup's timeline or any later one (after a promotion, later segments are
 * on the new timeline). Immutable.
 *
 * @param lastContiguous the last segment of the unbroken run from the backup's start segment
 * @param gap            the first missing segment after which the archive holds more segments, if any
 */
public record ArchiveContinuity(WalSegment lastContiguous, Optional<WalSegment> gap) {

    /**
     * Checks {@code archived} (the archive's file names) against {@code backup}.
     *
     * @throws MooringException {@code RESTORE_FAILED} naming the first missing segment when one the backup needs to
     *                          become consistent is missing
     */
    public static ArchiveContinuity check(BaseBackupManifest backup, Collection<String> archived, String archive) {
        long size = backup.walSegmentSize();
        TreeSet<Long> numbers = new TreeSet<>();
        for (String name : archived) {
            if (WalNames.isSegment(name)) {
                WalSegment s = WalSegment.parse(name, size);
                if (s.timeline() >= backup.timeline()) {
                    numbers.add(s.number());
                }
            }
        }
        WalSegment start = WalSegment.parse(backup.startWal(), size);
        WalSegment stop = WalSegment.parse(backup.stopWal(), size);
        WalSegment last = null;
        for (WalSegment s = start; numbers.contains(s.number()); s = s.next()) {
            last = s;
        }
        if (last == null || last.number() < stop.number()) {
            WalSegment missing = last == null ? start : last.next();
            throw new MooringException(ErrorCode.RESTORE_FAILED, "the WAL archive " + archive + " is missing segment "
                    + missing.name() + ", which base backup " + backup.name() + " needs to become consistent ("
                    + backup.startWal() + " to " + backup.stopWal() + "): restore from another base backup, or check"
                    + " that archive_command worked (mooring wal check)");
        }
        Long after = numbers.higher(last.number());
        Optional<WalSegment> gap = after == null ? Optional.empty() : Optional.of(last.next());
        return new ArchiveContinuity(last, gap);
    }

    /** The error for recovery that needs segments past {@code gap}. */
    public MooringException gapError(String archive, String target) {
        WalSegment missing = gap.orElseThrow();
        return new MooringException(ErrorCode.RESTORE_FAILED, "the WAL archive " + archive + " is missing segment "
                + missing.name() + " (on timeline " + missing.timeline() + " or later), so recovery cannot replay past "
                + lastContiguous.name() + " to reach " + target + ": restore to a target before it, or find the"
                + " missing segment (a failed archive_command: see pg_stat_archiver, or mooring wal check)");
    }
}
