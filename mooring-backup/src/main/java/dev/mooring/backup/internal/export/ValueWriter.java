package dev.mooring.backup.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Writes one column value of the current row as a JSON value of the matching type. Implementations are
 * stateless and thread-safe.
 */
interface ValueWriter {
    /**
     * Reads JSON held in the database. Floats stay {@code BigDecimal}s so that embedding a document never rounds
     * a number it holds.
     */
    ObjectMapper MAPPER = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** Writes column {@code index} (1-based) of {@code rs}'s current row, declared as {@code column}. */
    void write(JsonGenerator json, ResultSet rs, int index, Column column) throws SQLException, IOException;

    /** Embeds {@code text} as JSON, or writes it as a string when the database holds something that is not JSON. */
    static void writeJsonText(JsonGenerator json, String text) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(text);
        } catch (IOException notJson) {
            json.writeString(text);
            return;
        }
        // The generator has no codec of its own (it only streams); the mapper writes the tree into it.
        MAPPER.writeTree(json, tree);
    }
}
