package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * A position in the write-ahead log, as PostgreSQL prints it ({@code 16/B374D848}): a 64-bit byte offset.
 *
 * @param value the offset, compared unsigned
 */
public record Lsn(long value) implements Comparable<Lsn> {

    /**
     * Parses {@code X/Y} in hex.
     *
     * @throws MooringException {@code USAGE} when {@code text} is not an LSN
     */
    public static Lsn parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1 || slash > 8 || t.length() - slash - 1 > 8) {
            throw notAnLsn(text);
        }
        try {
            long high = Long.parseLong(t.substring(0, slash), 16);
            long low = Long.parseLong(t.substring(slash + 1), 16);
            return new Lsn((high << 32) | low);
        } catch (NumberFormatException e) {
            throw notAnLsn(text);
        }
    }

    private static MooringException notAnLsn(String text) {
        return new MooringException(ErrorCode.USAGE, "'" + text + "' is not a WAL position: write it as PostgreSQL"
                + " prints one, such as 0/3000148 (see pg_current_wal_lsn())");
    }

    /** The segment of {@code timeline} that holds this position, with segments of {@code segmentSize} bytes. */
    public WalSegment segment(int timeline, long segmentSize) {
        return new WalSegment(timeline, Long.divideUnsigned(value, segmentSize), segmentSize);
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return String.format("%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }
}
