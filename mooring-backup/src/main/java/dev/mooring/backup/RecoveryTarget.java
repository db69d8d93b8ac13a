package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Objects;

/** Where a point-in-time restore stops: a moment, a WAL position, or the end of the archived WAL. Immutable. */
public sealed interface RecoveryTarget {
    /** Stop after the last transaction that committed at or before {@code at}. */
    record Time(Instant at) implements RecoveryTarget {
        public Time {
            Objects.requireNonNull(at, "at");
        }

        @Override
        public String describe() {
            return "time " + Times.FORMAT.format(at);
        }
    }

    /** Stop at the WAL position {@code lsn}, such as {@code 0/3000148}. */
    record Position(String lsn) implements RecoveryTarget {
        public Position {
            Objects.requireNonNull(lsn, "lsn");
            lsn = dev.mooring.backup.internal.pitr.Lsn.parse(lsn).toString();
        }

        @Override
        public String describe() {
            return "WAL position " + lsn;
        }
    }

    /** Replay every archived WAL file. */
    record Latest() implements RecoveryTarget {
        @Override
        public String describe() {
            return "the end of the archived WAL";
        }
    }

    /** For messages: {@code time 2026-12-01 10:15:00+00}, {@code WAL position 0/3000148}. */
    String describe();

    /**
     * Parses a moment as PostgreSQL prints one, {@code 2026-12-01 10:15:00+00} (fractions of a second and
     * {@code +01:00} style offsets too), or ISO-8601 {@code 2026-12-01T10:15:00Z}. A time zone is required: a
     * restore to the wrong hour is a silent loss.
     *
     * @throws MooringException {@code USAGE} naming the expected form
     */
    static Time time(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        try {
            return new Time(OffsetDateTime.parse(t, Times.POSTGRES).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return new Time(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException again) {
                throw new MooringException(ErrorCode.USAGE, "'" + text + "' is not a moment with a time zone: write it"
                        + " as \"2026-12-01 10:15:00+00\" (the offset from UTC is required)", e);
            }
        }
    }

    /** The position {@code lsn}, such as {@code 0/3000148}. */
    static Position lsn(String lsn) {
        return new Position(lsn);
    }

    /** The end of the archived WAL. */
    static Latest latest() {
        return new Latest();
    }

    /** How moments are read and written. */
    final class Times {
        static final DateTimeFormatter POSTGRES = new DateTimeFormatterBuilder()
                .appendPattern("yyyy-MM-dd HH:mm:ss")
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
                .appendOffset("+HH:mm", "+00")
                .toFormatter(Locale.ROOT);
        /** What {@code recovery_target_time} is given: UTC, in microseconds as PostgreSQL keeps time. */
        public static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'",
                Locale.ROOT).withZone(ZoneOffset.UTC);

        private Times() {
        }
    }
}
