package dev.mooring.server.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Reading PostgreSQL values the way the server's records hold them. Stateless. */
public final class SqlValues {
    private SqlValues() {
    }

    /** A {@code timestamptz} column as an instant, {@code null} for SQL NULL. */
    public static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
