package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final String NODE_ID_CHARS = "[A-Za-z0-9._:-]{1,64}";
    private static final Pattern NODE_ID = Pattern.compile(NODE_ID_CHARS);
    // [0-9], not \d: the text form is ASCII only.
    private static final Pattern TEXT = Pattern.compile("([0-9]{15})-([0-9]{5})-(" + NODE_ID_CHARS + ")");
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
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
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
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("Not a hybrid logical clock timestamp: '" + text + "'. Expected 15 digits"
                    + " of milliseconds, '-', 5 digits of counter, '-', and a node id of 1 to 64 characters of"
                    + " A-Z, a-z, 0-9, '.', '_', ':' or '-', e.g. 001763745600000-00003-node-a.");
        }
        // Fixed widths keep both numbers inside their ranges, so the constructor cannot reject them.
        return new Hlc(Long.parseLong(m.group(1)), Integer.parseInt(m.group(2)), m.group(3));
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
        return String.format("%015d-%05d-%s", physicalMs, counter, nodeId);
    }
}
