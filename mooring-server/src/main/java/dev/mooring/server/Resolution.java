package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a person settles a pending conflict: keep the server's version, take the client's, or write merged values.
 * Immutable.
 *
 * @param choice which version wins
 * @param values for {@link Choice#MERGED}, the columns to write (at least one; a Java null becomes JSON null); empty
 *               for the other choices
 */
public record Resolution(Choice choice, Map<String, JsonNode> values) {
    /** Which version wins. */
    public enum Choice { SERVER, CLIENT, MERGED }

    /**
     * @throws MooringException {@code USAGE} when MERGED comes without values, or SERVER or CLIENT with some
     */
    public Resolution {
        Objects.requireNonNull(choice, "choice");
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        if (values != null) {
            values.forEach((column, value) -> copy.put(Objects.requireNonNull(column, "column"),
                    value == null ? NullNode.getInstance() : value));
        }
        if (choice == Choice.MERGED && copy.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, "a merged resolution needs the values to write; none were given");
        }
        if (choice != Choice.MERGED && !copy.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, "values belong to a merged resolution only; "
                    + choice.name().toLowerCase(Locale.ROOT) + " takes a version as it is");
        }
        values = Collections.unmodifiableMap(copy);
    }

    /** Keep the server's version; nothing is written to the row. */
    public static Resolution server() {
        return new Resolution(Choice.SERVER, Map.of());
    }

    /** Write the client's version over the server's. */
    public static Resolution client() {
        return new Resolution(Choice.CLIENT, Map.of());
    }

    /** Write these columns. */
    public static Resolution merged(Map<String, JsonNode> values) {
        return new Resolution(Choice.MERGED, values);
    }
}
