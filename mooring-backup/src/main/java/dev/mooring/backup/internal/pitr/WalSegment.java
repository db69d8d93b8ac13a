package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * One WAL segment: a timeline and a segment number, named as PostgreSQL names segment files
 * ({@code TTTTTTTTXXXXXXXXYYYYYYYY}: timeline, then the number split in "log" and "segment" parts).
 *
 * @param timeline    the timeline, 1 or more
 * @param number      the segment number: the LSN divided by the segment size
 * @param segmentSize the server's {@code wal_segment_size} in bytes, a power of two from 1 MB to 1 GB
 */
public record WalSegment(int timeline, long number, long segmentSize) implements Comparable<WalSegment> {
    private static final long LOG_SPAN = 0x1_0000_0000L;

    public WalSegment {
        if (segmentSize < (1 << 20) || segmentSize > (1 << 30) || Long.bitCount(segmentSize) != 1) {
            throw new MooringException(ErrorCode.CONFIGURATION, "a WAL segment size must be a power of two from 1 MB"
                    + " to 1 GB, was " + segmentSize);
        }
    }

    /** The segment a file name such as {@code 000000010000000000000003} names. */
    public static WalSegment parse(String name, long segmentSize) {
        if (!WalNames.isSegment(name)) {
            throw new MooringException(ErrorCode.USAGE, "'" + name + "' is not the name of a WAL segment");
        }
        int timeline = (int) Long.parseLong(name.substring(0, 8), 16);
        long log = Long.parseLong(name.substring(8, 16), 16);
        long seg = Long.parseLong(name.substring(16, 24), 16);
        return new WalSegment(timeline, log * segmentsPerLog(segmentSize) + seg, segmentSize);
    }

    /** The file name. */
    public String name() {
        long perLog = segmentsPerLog(segmentSize);
        return String.format("%08X%08X%08X", timeline, number / perLog, number % perLog);
    }

    /** The next segment on the same timeline. */
    public WalSegment next() {
        return new WalSegment(timeline, number + 1, segmentSize);
    }

    /** The same segment number on another timeline. */
    public WalSegment onTimeline(int otherTimeline) {
        return new WalSegment(otherTimeline, number, segmentSize);
    }

    /** The first position in this segment. */
    public Lsn start() {
        return new Lsn(number * segmentSize);
    }

    private static long segmentsPerLog(long segmentSize) {
        return LOG_SPAN / segmentSize;
    }

    /** By number, then timeline. */
    @Override
    public int compareTo(WalSegment other) {
        int byNumber = Long.compare(number, other.number);
        return byNumber != 0 ? byNumber : Integer.compare(timeline, other.timeline);
    }

    @Override
    public String toString() {
        return name();
    }
}
