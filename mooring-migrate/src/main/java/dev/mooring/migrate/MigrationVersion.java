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
    private final String canonical;

    private MigrationVersion(String text, BigInteger[] parts) {
        this.text = text;
        this.parts = parts;
        // Kept: it is the identity of a migration, looked up for every file and history row.
        StringBuilder c = new StringBuilder();
        for (BigInteger part : parts) {
            c.append(c.length() == 0 ? "" : ".").append(part);
        }
        this.canonical = c.toString();
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} when it is not a version. */
    public static MigrationVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        // Hand-parsed: this runs for every file and history row on every command.
        java.util.List<BigInteger> parts = new java.util.ArrayList<>(2);
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length();
            char c = end ? '.' : text.charAt(i);
            if (c == '.' || c == '_') {
                if (i == start) {
                    throw new IllegalArgumentException("'" + text + "' is not a migration version: use digits, e.g. 20260202000001 or 1.2");
                }
                parts.add(i - start <= 18 ? BigInteger.valueOf(Long.parseLong(text, start, i, 10)) : new BigInteger(text.substring(start, i)));
                start = i + 1;
            } else if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + text + "' is not a migration version: use digits, e.g. 20260202000001 or 1.2");
            }
        }
        int last = parts.size();
        while (last > 1 && parts.get(last - 1).signum() == 0) {
            last--; // 1.0 == 1
        }
        return new MigrationVersion(text.replace('_', '.'), parts.subList(0, last).toArray(BigInteger[]::new));
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
        return canonical.hashCode();
    }

    /** The numeric form, equal for equal versions: {@code 001} and {@code 1.0} both give {@code 1}. */
    public String canonical() {
        return canonical;
    }

    /** The version as written in the file name (underscores shown as dots). */
    @Override
    public String toString() {
        return text;
    }
}
