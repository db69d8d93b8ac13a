package dev.mooring.server.internal;

import java.util.Optional;

/**
 * One byte range of an HTTP {@code Range: bytes=…} request (RFC 9110, section 14), resolved against a file's size:
 * {@code first-last}, {@code first-} (to the end) or {@code -n} (the last n bytes). A header this does not serve —
 * another unit, several ranges, a malformed one — is ignored, as the RFC allows, and the whole file is sent.
 * Immutable.
 *
 * @param first the first byte, from 0
 * @param last  the last byte, inclusive
 */
public record ByteRange(long first, long last) {
    /** The range the header asks for; empty to send the whole file. */
    public static Optional<Result> parse(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return Optional.empty();
        }
        String spec = header.substring("bytes=".length()).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        try {
            String from = spec.substring(0, dash).strip();
            String to = spec.substring(dash + 1).strip();
            if (from.isEmpty()) {
                long suffix = Long.parseLong(to);
                return Optional.of(suffix <= 0 || size == 0 ? Result.UNSATISFIABLE
                        : new Result(new ByteRange(Math.max(0, size - suffix), size - 1)));
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? Long.MAX_VALUE : Long.parseLong(to);
            if (first < 0 || last < first) {
                return Optional.empty(); // not a valid range: ignored
            }
            return Optional.of(first >= size ? Result.UNSATISFIABLE
                    : new Result(new ByteRange(first, Math.min(last, size - 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** How many bytes the range holds. */
    public long length() {
        return last - first + 1;
    }

    /** A range to send, or {@code null} in {@link #UNSATISFIABLE}: it starts beyond the end (416). */
    public record Result(ByteRange range) {
        public static final Result UNSATISFIABLE = new Result(null);

        public boolean satisfiable() {
            return range != null;
        }
    }
}
