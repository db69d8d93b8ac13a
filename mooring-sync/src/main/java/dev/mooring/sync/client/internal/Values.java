package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.SqliteValues;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Column values between JSON (the wire) and SQLite; how a value is stored is {@link SqliteValues}'s rule. Stateless.
 */
final class Values {
    static final ObjectMapper JSON = new ObjectMapper();

    private Values() {
    }

    static void bind(PreparedStatement ps, int index, JsonNode value) throws SQLException {
        SqliteValues.bind(ps, index, value);
    }

    /** A JSON object's fields in order; {@code null} text gives an empty map. */
    static Map<String, JsonNode> object(String text) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (text != null) {
            parse(text).fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
        }
        return values;
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "The outbox holds text that is not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a row holds {@code wanted} in a column that holds {@code held}: equal JSON, or equal numbers however
     * written ({@code 1}, {@code 1.0}). Other spellings of one stored value (a boolean stored as 1) count as
     * different, which costs no more than writing the same value again.
     */
    static boolean sameValue(JsonNode held, JsonNode wanted) {
        JsonNode a = held == null ? JSON.nullNode() : held;
        JsonNode b = wanted == null ? JSON.nullNode() : wanted;
        return a.equals(b) || (a.isNumber() && b.isNumber() && a.decimalValue().compareTo(b.decimalValue()) == 0);
    }

    static String text(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "Could not write JSON: " + e.getMessage(), e);
        }
    }
}
