package dev.mooring.backup.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * SQLite values by storage class (integer, real, text, blob, null), refined by the declared type the way SQLite's
 * type affinity reads it: integers in a {@code BOOL…} column are booleans, text in a {@code …JSON…} column is
 * embedded as JSON. Numbers are written as stored: SQLite itself keeps a {@code DECIMAL} column's value as an
 * integer or a double. Dates are text in SQLite and stay the text the application stored. Stateless.
 */
final class SqliteValueWriter implements ValueWriter {
    @Override
    public void write(JsonGenerator json, ResultSet rs, int index, Column column) throws SQLException, IOException {
        Object value = rs.getObject(index);
        String type = column.upperType();
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Integer || value instanceof Long) {
            long n = ((Number) value).longValue();
            if (type.startsWith("BOOL")) {
                json.writeBoolean(n != 0);
            } else {
                json.writeNumber(n);
            }
        } else if (value instanceof Double d) {
            writeDouble(json, d);
        } else if (value instanceof byte[] bytes) {
            json.writeBinary(bytes);
        } else {
            writeText(json, value.toString(), type);
        }
    }

    private static void writeDouble(JsonGenerator json, double d) throws IOException {
        // JSON has no NaN or infinities; a string keeps the value readable.
        if (Double.isFinite(d)) {
            json.writeNumber(d);
        } else {
            json.writeString(Double.toString(d));
        }
    }

    private static void writeText(JsonGenerator json, String text, String type) throws IOException {
        if (type.contains("JSON")) {
            ValueWriter.writeJsonText(json, text);
        } else {
            json.writeString(text);
        }
    }
}
