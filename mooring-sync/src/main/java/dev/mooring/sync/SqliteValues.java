package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/**
 * How a column value that arrives as JSON is stored in SQLite, the same for a row a sync pulls and a row a data
 * package carries, so both leave a client with the same values. SQLite has no boolean or JSON type: booleans become
 * 1 and 0, objects and arrays their JSON text, numbers too large for a long their decimal text. Stateless.
 */
public final class SqliteValues {
    private SqliteValues() {
    }

    /** Binds {@code value} (JSON null, a missing node and Java {@code null} alike as SQL NULL) to parameter {@code index}. */
    public static void bind(PreparedStatement ps, int index, JsonNode value) throws SQLException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            ps.setNull(index, Types.NULL);
        } else if (value.isTextual()) {
            ps.setString(index, value.textValue());
        } else if (value.isBoolean()) {
            ps.setInt(index, value.booleanValue() ? 1 : 0);
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
            ps.setLong(index, value.longValue());
        } else if (value.isFloatingPointNumber()) {
            ps.setDouble(index, value.doubleValue());
        } else if (value.isNumber() || value.isBinary()) {
            ps.setString(index, value.asText());
        } else {
            ps.setString(index, value.toString());
        }
    }
}
