package dev.mooring.cli.internal;

import picocli.CommandLine;

import dev.mooring.core.Durations;
import java.time.Duration;

/**
 * Reads a duration option as people write it: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or
 * ISO-8601 ({@code PT30S}). The same spellings as durations in {@code sync.yaml}.
 */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (d.isNegative() || d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be more than zero");
        }
        return d;
    }
}
