package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.CursorPosition;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a client is in the change feed, as the opaque cursor string it sends back.
 *
 * <ul>
 *   <li>{@code c1.<xid>.<seq>}: every change at or before position (xid, seq), in (transaction id, sequence) order,
 *       has been delivered. Changes are only delivered once their transaction is older than the reader's snapshot
 *       xmin, so nothing can later appear at or before a delivered position: a late commit is delivered late, never
 *       skipped.</li>
 *   <li>{@code b1.<xmin>.<table>.<last id>}: a bootstrap in progress, started when the snapshot xmin was
 *       {@code xmin}; {@code table} indexes the synced tables, rows after {@code last id} come next. When the last
 *       table is done the feed continues at (xmin, 0), so every change not certainly in the bootstrap rows follows.</li>
 * </ul>
 *
 * @param bootstrap whether this is a bootstrap position
 * @param xid       the transaction id of the position, or the bootstrap's xmin
 * @param seq       the change sequence within {@code xid} (feed positions)
 * @param table     the index of the table being bootstrapped
 * @param lastId    the last row id delivered of that table, {@code null} at its start
 */
public record FeedPosition(boolean bootstrap, long xid, long seq, int table, String lastId) {
    /** The feed position that follows a bootstrap started at {@code xmin}. */
    public static FeedPosition after(long xmin) {
        return new FeedPosition(false, xmin, 0, 0, null);
    }

    public static FeedPosition at(long xid, long seq) {
        return new FeedPosition(false, xid, seq, 0, null);
    }

    public static FeedPosition bootstrapping(long xmin, int table, String lastId) {
        return new FeedPosition(true, xmin, 0, table, lastId);
    }

    /** The cursor text. */
    public String encode() {
        if (!bootstrap) {
            return new CursorPosition(xid, seq).encode();
        }
        String id = lastId == null ? "" : Base64.getUrlEncoder().withoutPadding()
                .encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
        return "b1." + xid + "." + table + "." + id;
    }

    /**
     * Reads a cursor a client sent; {@code null} or empty means a fresh client.
     *
     * @throws MooringException {@code USAGE} when the text is not a cursor this server wrote
     */
    public static FeedPosition decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        String[] parts = cursor.split("\\.", -1);
        try {
            if (parts[0].equals("c1")) {
                CursorPosition position = CursorPosition.parse(cursor).orElseThrow(IllegalArgumentException::new);
                return at(position.xid(), position.seq());
            }
            if (parts.length == 4 && parts[0].equals("b1")) {
                String id = parts[3].isEmpty() ? null
                        : new String(Base64.getUrlDecoder().decode(parts[3]), StandardCharsets.UTF_8);
                return bootstrapping(nonNegative(parts[1]), Math.toIntExact(nonNegative(parts[2])), id);
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            // falls through to the error below
        }
        throw new MooringException(ErrorCode.USAGE, "cursor '" + cursor + "' is not one this server issued; send the"
                + " nextCursor of your last pull, or no cursor to start over with a bootstrap.");
    }

    private static long nonNegative(String digits) {
        long value = Long.parseLong(digits);
        if (value < 0) {
            throw new IllegalArgumentException(digits);
        }
        return value;
    }

    /**
     * The feed position a pushing node had pulled through when it made a change: the change's basis, a (transaction,
     * sequence) position, so changes delivered with it count as seen, even those of the same transaction as the next ones (a
     * cursor points into a transaction). Never past the node's last pull: a client cannot claim to have seen a
     * transaction it never pulled (the last pull is known to the transaction only, so one past it counts from that
     * transaction's start). A bootstrap basis saw what was committed before its snapshot. {@code null} when the basis
     * is not a cursor.
     */
    static FeedPosition seenBy(String basis, Long lastPulled) {
        long pulled = lastPulled == null ? 0 : lastPulled;
        if (basis == null) {
            return at(pulled, 0);
        }
        if (basis.isEmpty()) {
            return at(0, 0); // the node had pulled nothing yet when it made the change
        }
        try {
            FeedPosition position = decode(basis);
            if (position.xid() > pulled) {
                return at(pulled, 0);
            }
            return position.bootstrap() ? at(position.xid(), 0) : position;
        } catch (MooringException e) {
            return null;
        }
    }
}
