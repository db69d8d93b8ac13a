package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Comparator;

/**
 * A hybrid logical clock timestamp: wall-clock milliseconds, a counter that orders events within one millisecond,
 * and the id of the node that issued it. Issued by a {@link HybridClock}.
 *
 * <p>The text form ({@link #toString()}, also the JSON form) is {@code PPPPPPPPPPPPPPP-CCCCC-node}: physical time
 * zero-padded to 15 digits, counter zero-padded to 5 digits, then the node id, e.g.
 * {@code 001763745600000-00003-node-a}. Because the two numbers have a fixed width and node ids are ASCII, sorting
 * the text forms byte by byte (PostgreSQL {@code COLLATE "C"}, SQLite's default {@code BINARY}) gives the same order
 * as {@link #compareTo}, so a timestamp can be stored as text and still be compared in SQL. {@link #parse} is the
 * strict inverse of the text form.
 *
 * <p>Immutable and thread-safe.
 *
 * @param physicalMs wall-clock milliseconds since the epoch, 0 to {@value #MAX_PHYSICAL_MS}
 * @param counter    orders timestamps with the same physical time, 0 to {@value #MAX_COUNTER}
 * @param nodeId     the issuing node: 1 to 64 of {@code A-Z a-z 0-9 . _ : -}
 */
public record Hlc(long physicalMs, int counter, String nodeId) implements Comparable<Hlc> {
    /** The largest physical time: the most that fits in 15 digits. */
    public static final long MAX_PHYSICAL_MS = 999_999_999_999_999L;
    /** The largest counter: the most that fits in 5 digits. */
    public static final int MAX_COUNTER = 99_999;

    private static final int MAX_NODE_ID = 64;
    private static final Comparator<Hlc> ORDER = Comparator.comparingLong(Hlc::physicalMs)
            .thenComparingInt(Hlc::counter)
            .thenComparing(Hlc::nodeId);

    /** Validates every field; throws {@link IllegalArgumentException} naming the field and its allowed range. */
    public Hlc {
        if (physicalMs < 0 || physicalMs > MAX_PHYSICAL_MS) {
            throw new IllegalArgumentException("Hlc physicalMs must be between 0 and " + MAX_PHYSICAL_MS
                    + " (15 digits), but was " + physicalMs + ".");
        }
        if (counter < 0 || counter > MAX_COUNTER) {
            throw new IllegalArgumentException("Hlc counter must be between 0 and " + MAX_COUNTER
                    + " (5 digits), but was " + counter + ".");
        }
        if (!isNodeId(nodeId)) {
            throw new IllegalArgumentException("Hlc nodeId must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_', ':'"
                    + " or '-', but was " + (nodeId == null ? "null" : "'" + nodeId + "'") + ".");
        }
    }

    /** The same as the canonical constructor, for call sites that read better with a factory. */
    public static Hlc of(long physicalMs, int counter, String nodeId) {
        return new Hlc(physicalMs, counter, nodeId);
    }

    /**
     * Reads the text form written by {@link #toString()}, and nothing else: no signs, spaces, missing padding or
     * extra digits.
     *
     * @throws IllegalArgumentException naming the text when it is null or not in the text form
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Hlc parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Hlc text is null; expected PPPPPPPPPPPPPPP-CCCCC-node,"
                    + " e.g. 001763745600000-00003-node-a.");
        }
        // Checked by hand rather than by a regular expression: every change on the wire carries one, and this is
        // several times faster. Fixed widths keep both numbers inside their ranges.
        if (text.length() < 23 || text.charAt(15) != '-' || text.charAt(21) != '-' || !digits(text, 0, 15)
                || !digits(text, 16, 21) || !isNodeId(text.substring(22))) {
            throw new IllegalArgumentException("Not a hybrid logical clock timestamp: '" + text + "'. Expected 15 digits"
                    + " of milliseconds, '-', 5 digits of counter, '-', and a node id of 1 to 64 characters of"
                    + " A-Z, a-z, 0-9, '.', '_', ':' or '-', e.g. 001763745600000-00003-node-a.");
        }
        return new Hlc(Long.parseLong(text, 0, 15, 10), Integer.parseInt(text, 16, 21, 10), text.substring(22));
    }

    /** Whether {@code text[from, to)} is ASCII digits only ({@code 0-9}, not any Unicode digit). */
    private static boolean digits(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return true;
    }

    /** 1 to 64 of {@code A-Z a-z 0-9 . _ : -}. */
    private static boolean isNodeId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_NODE_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '_' || ch == ':' || ch == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Orders by physical time, then counter, then node id; the same order as the text forms sorted byte by byte. */
    @Override
    public int compareTo(Hlc other) {
        return ORDER.compare(this, other);
    }

    /** {@code true} when this timestamp orders after {@code other}. */
    public boolean isAfter(Hlc other) {
        return compareTo(other) > 0;
    }

    /** The text form, also the JSON form: {@code %015d-%05d-%s} of physical time, counter and node id. */
    @JsonValue
    @Override
    public String toString() {
        // Padded by hand: String.format costs microseconds, and every change on the wire carries a timestamp.
        String ms = Long.toString(physicalMs);
        String count = Integer.toString(counter);
        StringBuilder text = new StringBuilder(22 + nodeId.length());
        text.append("000000000000000", 0, 15 - ms.length()).append(ms).append('-');
        text.append("00000", 0, 5 - count.length()).append(count).append('-');
        return text.append(nodeId).toString();
    }
}
