package dev.mooring.sync.client.internal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * How far apart two client schema versions are, for the warning a peer exchange gives when they are too far apart
 * for changes kept for later to be a good way to catch up. Versions numbered in sequence ({@code 7}, {@code 012})
 * are apart by their difference; versions that are timestamps ({@code 20261121000000}) by the days between them.
 * Versions of other shapes are never too far apart. Stateless.
 */
final class SchemaGap {
    private SchemaGap() {
    }

    /** The warning for a peer at {@code theirs} when this database is at {@code mine}; empty within the limit. */
    static Optional<String> warning(String mine, String theirs, int limit) {
        Optional<Long> gap = gap(mine, theirs);
        if (gap.isEmpty() || gap.get() <= limit) {
            return Optional.empty();
        }
        boolean days = lead(mine).length() >= 12;
        return Optional.of("this database is at client schema version " + mine + " and the peer at " + theirs + ", "
                + gap.get() + (days ? " day" : " version") + (gap.get() == 1 ? "" : "s") + " apart, more than the limit of " + limit
                + " (ClientConfig.peerSchemaGapLimit): changes for tables and columns one side lacks are kept, but "
                + "after upgrading, a full resync with the server (a fresh database) is the reliable way to catch up");
    }

    static Optional<Long> gap(String a, String b) {
        String x = lead(a);
        String y = lead(b);
        if (x.isEmpty() || y.isEmpty() || x.length() > 18 || y.length() > 18) {
            return Optional.empty();
        }
        if (x.length() >= 12 && y.length() >= 12) {
            try {
                DateTimeFormatter day = DateTimeFormatter.BASIC_ISO_DATE;
                return Optional.of(Math.abs(ChronoUnit.DAYS.between(LocalDate.parse(x.substring(0, 8), day),
                        LocalDate.parse(y.substring(0, 8), day))));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        if (x.length() >= 12 || y.length() >= 12) {
            return Optional.empty(); // a timestamp and a sequence number: no common measure
        }
        return Optional.of(Math.abs(Long.parseLong(x) - Long.parseLong(y)));
    }

    /** The leading digits of a version ({@code 20261121000000} of {@code 20261121000000.1}). */
    private static String lead(String version) {
        int end = 0;
        while (end < version.length() && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return version.substring(0, end);
    }
}
