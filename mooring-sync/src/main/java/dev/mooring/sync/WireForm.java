package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The checks and conversions the wire records share: enum names in lower case, and defensive copies of lists and
 * column value maps with messages that name the field. Stateless.
 */
final class WireForm {
    private WireForm() {
    }

    /** The JSON name of an enum constant: its name in lower case, underscores kept. */
    static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose {@link #name} is {@code text}; otherwise an error that lists the names allowed. */
    static <E extends Enum<E>> E constant(Class<E> type, String text) {
        for (E constant : type.getEnumConstants()) {
            if (name(constant).equals(text)) {
                return constant;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants()).map(WireForm::name)
                .collect(Collectors.joining("', '", "'", "'"));
        throw new IllegalArgumentException("Unknown " + type.getSimpleName() + " '" + text + "'; expected one of "
                + allowed + ".");
    }

    /** An unmodifiable copy; rejects a null list or a null element, naming the field. */
    static <T> List<T> list(List<T> list, String field) {
        Objects.requireNonNull(list, field);
        for (int i = 0; i < list.size(); i++) {
            Objects.requireNonNull(list.get(i), field + "[" + i + "]");
        }
        return List.copyOf(list);
    }

    /**
     * An unmodifiable copy of column values in their order; a Java null value becomes JSON null ({@link NullNode})
     * since a column may be set to null. Rejects a null map or a null column name.
     */
    static Map<String, JsonNode> values(Map<String, JsonNode> values, String field) {
        Objects.requireNonNull(values, field);
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        values.forEach((column, value) -> {
            Objects.requireNonNull(column, () -> field + " has a null column name");
            copy.put(column, value == null ? NullNode.getInstance() : value);
        });
        return Collections.unmodifiableMap(copy);
    }

    /** Checks what a row change carries whether it is pushed or pulled. */
    static void checkRow(String table, String id, Operation op, Map<String, JsonNode> values, Hlc hlc) {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(hlc, "hlc");
        if (op != Operation.UPSERT && !values.isEmpty()) {
            throw new IllegalArgumentException("A " + op.wireName() + " of " + table + " row '" + id + "' carries no"
                    + " values, but had " + values.keySet() + "; send the values with an upsert.");
        }
    }
}
