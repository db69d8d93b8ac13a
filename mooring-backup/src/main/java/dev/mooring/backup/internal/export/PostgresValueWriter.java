package dev.mooring.backup.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * PostgreSQL values by the driver's type name: numbers as JSON numbers ({@code numeric} exactly), {@code bool} as
 * booleans, {@code json}/{@code jsonb} embedded, arrays as JSON arrays, {@code bytea} as base64, dates and times as
 * ISO-8601 ({@code timestamptz} in UTC), everything else ({@code uuid}, {@code text}, {@code interval}, enums,
 * {@code money}…) as the server's text form. Stateless.
 */
final class PostgresValueWriter implements ValueWriter {
    @Override
    public void write(JsonGenerator json, ResultSet rs, int index, Column column) throws SQLException, IOException {
        String type = rs.getMetaData().getColumnTypeName(index);
        if (rs.getObject(index) == null) {
            json.writeNull();
            return;
        }
        switch (type) {
            case "bool" -> json.writeBoolean(rs.getBoolean(index));
            case "json", "jsonb" -> ValueWriter.writeJsonText(json, rs.getString(index));
            case "bytea" -> json.writeBinary(rs.getBytes(index));
            case "date" -> json.writeString(rs.getObject(index, LocalDate.class).toString());
            case "time" -> json.writeString(rs.getObject(index, LocalTime.class).format(DateTimeFormatter.ISO_LOCAL_TIME));
            case "timetz" -> json.writeString(rs.getObject(index, OffsetTime.class).format(DateTimeFormatter.ISO_OFFSET_TIME));
            case "timestamp" -> json.writeString(rs.getObject(index, LocalDateTime.class).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            case "timestamptz" -> json.writeString(utc(rs.getObject(index, OffsetDateTime.class)));
            case "money" -> json.writeString(rs.getString(index));
            default -> writeByJdbcType(json, rs, index);
        }
    }

    private static void writeByJdbcType(JsonGenerator json, ResultSet rs, int index) throws SQLException, IOException {
        switch (rs.getMetaData().getColumnType(index)) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT -> json.writeNumber(rs.getLong(index));
            case Types.NUMERIC, Types.DECIMAL -> writeNumeric(json, rs.getString(index));
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> writeNumeric(json, rs.getString(index));
            case Types.ARRAY -> writeArray(json, rs.getArray(index));
            default -> json.writeString(rs.getString(index));
        }
    }

    /**
     * The server's text form of a number is exact ({@code float8} prints the shortest text that reads back the
     * same); {@code NaN} and infinities, which JSON lacks, stay strings.
     */
    private static void writeNumeric(JsonGenerator json, String text) throws IOException {
        try {
            json.writeNumber(new BigDecimal(text));
        } catch (NumberFormatException notFinite) {
            json.writeString(text);
        }
    }

    private static void writeArray(JsonGenerator json, Array array) throws SQLException, IOException {
        String base = array.getBaseTypeName();
        try {
            writeElements(json, (Object[]) array.getArray(), base);
        } finally {
            array.free();
        }
    }

    private static void writeElements(JsonGenerator json, Object[] elements, String base) throws SQLException, IOException {
        json.writeStartArray();
        for (Object e : elements) {
            writeElement(json, e, base);
        }
        json.writeEndArray();
    }

    private static void writeElement(JsonGenerator json, Object e, String base) throws SQLException, IOException {
        if (e == null) {
            json.writeNull();
        } else if (e instanceof Object[] nested) {
            writeElements(json, nested, base);
        } else if (e instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (e instanceof Number n) {
            writeNumeric(json, n.toString());
        } else if (e instanceof byte[] bytes) {
            json.writeBinary(bytes);
        } else if (e instanceof Timestamp ts) {
            // The driver parses timestamptz elements into instants and timestamp elements into local wall times.
            json.writeString(base.endsWith("tz") ? utc(ts.toInstant().atOffset(ZoneOffset.UTC))
                    : ts.toLocalDateTime().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        } else if (e instanceof java.sql.Date d) {
            json.writeString(d.toLocalDate().toString());
        } else if (base.equals("json") || base.equals("jsonb")) {
            ValueWriter.writeJsonText(json, e.toString());
        } else {
            json.writeString(e.toString());
        }
    }

    private static String utc(OffsetDateTime time) {
        return time.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
