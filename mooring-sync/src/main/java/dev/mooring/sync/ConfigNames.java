package dev.mooring.sync;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Enum constants as configuration files spell them: lower case, dashes ({@code lww-column}). Stateless. */
final class ConfigNames {
    private ConfigNames() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(E[] values, String text, String what) {
        if (text != null) {
            String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (E value : values) {
                if (of(value).equals(wanted)) {
                    return value;
                }
            }
        }
        throw new MooringException(ErrorCode.CONFIGURATION, "'" + text + "' is not a " + what + "; use one of "
                + Arrays.stream(values).map(ConfigNames::of).collect(Collectors.joining(", ")) + ".");
    }
}
