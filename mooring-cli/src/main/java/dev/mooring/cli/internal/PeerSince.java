package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code --since} of the peer commands: a hybrid logical time as the database stores it
 * ({@code 001763745600000-00003-node-a}), or an ISO-8601 time ({@code 2026-11-21T12:00:00Z},
 * {@code 2026-11-21T13:00:00+01:00}) or UTC date ({@code 2026-11-21}): rows synced at or after it.
 */
final class PeerSince {
    /** Sorts before every node id: a time as an HLC takes in every version stamped at or after it. */
    private static final String FIRST_NODE = "-";

    private PeerSince() {
    }

    /** {@code null} for {@code null}. */
    static Hlc parse(String text) {
        if (text == null) {
            return null;
        }
        String value = text.strip();
        try {
            if (value.matches("\\d{15}-\\d{5}-.+")) {
                return Hlc.parse(value);
            }
            Instant at;
            if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
                at = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } else {
                at = OffsetDateTime.parse(value).toInstant();
            }
            return new Hlc(Math.max(0, at.toEpochMilli()), 0, FIRST_NODE);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new MooringException(ErrorCode.USAGE, "--since '" + text + "' is neither a hybrid logical time"
                    + " (001763745600000-00003-node-a) nor an ISO-8601 time (2026-11-21T12:00:00Z) or date"
                    + " (2026-11-21).");
        }
    }
}
