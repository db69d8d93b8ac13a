package dev.mooring.migrate;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;

/**
 * A migration version: digits, optionally in dot- or underscore-separated parts ({@code 001},
 * {@code 20260202000001}, Flyway's {@code 1.2} or {@code 1_2}). Versions compare part by part as numbers, so
 * {@code 2 < 10} and {@code 001 = 1}. Immutable.
 */
public final class MigrationVersion implements Comparable<MigrationVersion> {
    private final String text;
    private final BigInteger[] parts;

    private MigrationVersion(String text, BigInteger[] parts) {
        this.text = text;
        this.parts = parts;
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} when it is not a version. */
    public static MigrationVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.matches("\\d+([._]\\d+)*")) {
            throw new IllegalArgumentException("'" + text + "' is not a migration version: use digits, e.g. 20260202000001 or 1.2");
        }
        String normalized = text.replace('_', '.');
        BigInteger[] parts = Arrays.stream(normalized.split("\\.")).map(BigInteger::new).toArray(BigInteger[]::new);
        int last = parts.length;
        while (last > 1 && parts[last - 1].signum() == 0) {
            last--; // 1.0 == 1
        }
        return new MigrationVersion(normalized, Arrays.copyOf(parts, last));
    }

    @Override
    public int compareTo(MigrationVersion other) {
        int n = Math.max(parts.length, other.parts.length);
        for (int i = 0; i < n; i++) {
            BigInteger a = i < parts.length ? parts[i] : BigInteger.ZERO;
            BigInteger b = i < other.parts.length ? other.parts[i] : BigInteger.ZERO;
            int c = a.compareTo(b);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MigrationVersion v && compareTo(v) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts);
    }

    /** The numeric form, equal for equal versions: {@code 001} and {@code 1.0} both give {@code 1}. */
    public String canonical() {
        return Arrays.stream(parts).map(BigInteger::toString).collect(java.util.stream.Collectors.joining("."));
    }

    /** The version as written in the file name (underscores shown as dots). */
    @Override
    public String toString() {
        return text;
    }
}
