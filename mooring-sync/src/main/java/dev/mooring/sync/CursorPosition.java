package dev.mooring.sync;

import java.util.Optional;

/**
 * A position in the server's change feed, as a pull cursor {@code c1.<xid>.<seq>} names it: every change at or
 * before (transaction id, sequence) has been delivered. The server writes and reads cursors; a client treats them as
 * opaque for pulling and compares them only to tell whether a data package's watermark is ahead of where it stands.
 * A bootstrap cursor ({@code b1.…}) names no feed position: the feed has not started, so it is before every
 * position. Immutable.
 *
 * @param xid the transaction id of the position
 * @param seq the change sequence within {@code xid}
 */
public record CursorPosition(long xid, long seq) implements Comparable<CursorPosition> {
    private static final String PREFIX = "c1.";

    public CursorPosition {
        if (xid < 0 || seq < 0) {
            throw new IllegalArgumentException("a feed position is two numbers of 0 or more, was " + xid + "." + seq);
        }
    }

    /**
     * The feed position of {@code cursor}; empty for {@code null}, an empty cursor and a bootstrap cursor.
     *
     * @throws IllegalArgumentException when the text is neither a position cursor nor a bootstrap cursor
     */
    public static Optional<CursorPosition> parse(String cursor) {
        if (cursor == null || cursor.isEmpty() || cursor.startsWith("b1.")) {
            return Optional.empty();
        }
        String[] parts = cursor.split("\\.", -1);
        if (parts.length != 3 || !cursor.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + cursor + "' is not a sync cursor");
        }
        try {
            return Optional.of(new CursorPosition(Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cursor + "' is not a sync cursor", e);
        }
    }

    /**
     * Whether this position is after the one {@code cursor} names; {@code null} and bootstrap cursors name none, so
     * every position follows them.
     */
    public boolean follows(String cursor) {
        return parse(cursor).map(other -> compareTo(other) > 0).orElse(true);
    }

    /** The cursor text. */
    public String encode() {
        return PREFIX + xid + "." + seq;
    }

    @Override
    public int compareTo(CursorPosition other) {
        int byXid = Long.compare(xid, other.xid);
        return byXid != 0 ? byXid : Long.compare(seq, other.seq);
    }
}
