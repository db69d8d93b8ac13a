package dev.mooring.bench;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * Rows of the Reminders example's {@code events} table, generated the same way on the server (one
 * {@code generate_series} statement) and in Java (for the SQLite floors and the capture benchmark): row {@code g}
 * has the same values both ways, in the form the client stores them (dates and times as ISO text, booleans 0/1).
 * Every row satisfies the CHECK constraints of both schemas: one in five is a lunar event, one in four has a start
 * time, one in three has notes and no recurrence. Stateless.
 */
final class ReminderRows {
    /** The client table's application columns, in table order. */
    static final List<String> COLUMNS = List.of("id", "user_id", "title", "notes", "calendar", "solar_date",
            "lunar_year", "lunar_month", "lunar_day", "is_leap_month", "recurrence", "all_day", "start_time",
            "notify_enabled", "remind_offset_minutes", "created_at", "updated_at", "deleted_at", "time_zone",
            "next_occurrence_on");

    private static final String[] TITLES = {"Birthday", "Dentist", "Pay rent", "Call mom", "Anniversary",
            "Team meeting", "Gym", "Renew passport"};
    private static final String[] RECURRENCE = {"none", "monthly", "yearly"};
    private static final LocalDate FIRST_DAY = LocalDate.of(2026, 1, 1);
    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final String[] DAYS = new String[730];
    private static final String[] TIMES = new String[48];

    static {
        for (int i = 0; i < DAYS.length; i++) {
            DAYS[i] = FIRST_DAY.plusDays(i).toString();
        }
        for (int i = 0; i < TIMES.length; i++) {
            TIMES[i] = LocalTime.of(7, 0).plusMinutes(15L * i).toString() + ":00";
        }
    }

    private ReminderRows() {
    }

    /** A user id (a lower-case uuid) for user number {@code n}. */
    static String userId(int n) {
        return String.format("0000000%d-0000-7000-8000-000000000000", n);
    }

    /** The id of event {@code g} of user {@code n}: a lower-case uuid. */
    static String eventId(int n, long g) {
        String hex = Long.toHexString(g);
        return "e000000" + n + "-0000-7000-8000-" + "0".repeat(12 - hex.length()) + hex;
    }

    /** The server's users row of user {@code n}. */
    static String userSql(int n) {
        return "INSERT INTO users (id, email, display_name, time_zone) VALUES ('" + userId(n) + "', 'user" + n
                + "@example.com', 'User " + n + "', 'Asia/Ho_Chi_Minh')";
    }

    /** Inserts events {@code 1..count} of user {@code n} on the server, with the values {@link #event} gives. */
    static String eventsSql(int n, long count) {
        return eventsSql("('e000000" + n + "-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid", "'" + userId(n) + "'",
                "generate_series(1, " + count + ") g");
    }

    /**
     * Inserts one event per row of {@code rows} (a FROM item that names a bigint {@code g}), with the values
     * {@link #event} gives for {@code g}: its id is the SQL expression {@code id}, its owner {@code user}.
     */
    static String eventsSql(String id, String user, String rows) {
        String day = "date '2026-01-01' + (g % 730)::int";
        return "INSERT INTO events (id, user_id, title, notes, calendar, solar_date, lunar_year, lunar_month, lunar_day,"
                + " is_leap_month, recurrence, all_day, start_time, notify_enabled, remind_offset_minutes, created_at,"
                + " updated_at, time_zone, next_occurrence_on)"
                + " SELECT " + id + ", " + user + ","
                + " (ARRAY['" + String.join("','", TITLES) + "'])[1 + g % 8] || ' #' || g,"
                + " CASE WHEN g % 3 = 0 THEN 'Bring the documents for item ' || g END,"
                + " CASE WHEN g % 5 = 0 THEN 'lunar' ELSE 'solar' END,"
                + " CASE WHEN g % 5 <> 0 THEN " + day + " END,"
                + " CASE WHEN g % 5 = 0 THEN 1950 + g % 100 END,"
                + " CASE WHEN g % 5 = 0 THEN 1 + g % 12 END,"
                + " CASE WHEN g % 5 = 0 THEN 1 + g % 30 END,"
                + " false, (ARRAY['none','monthly','yearly'])[1 + g % 3], g % 4 <> 0,"
                + " CASE WHEN g % 4 = 0 THEN time '07:00' + (g % 48) * interval '15 minutes' END,"
                + " g % 10 <> 0, (g % 4) * 15,"
                + " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute',"
                + " timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' + interval '1 hour',"
                + " 'Asia/Ho_Chi_Minh', CASE WHEN g % 5 <> 0 AND g % 3 = 0 THEN " + day + " END"
                + " FROM " + rows;
    }

    /** Event {@code g} of user {@code n}, values in {@link #COLUMNS} order, as the client stores them. */
    static Object[] event(int n, long g) {
        boolean lunar = g % 5 == 0;
        String day = DAYS[(int) (g % 730)];
        OffsetDateTime created = CREATED.plusMinutes(g);
        return new Object[]{
                eventId(n, g), userId(n), TITLES[(int) (g % 8)] + " #" + g,
                g % 3 == 0 ? "Bring the documents for item " + g : null,
                lunar ? "lunar" : "solar", lunar ? null : day,
                lunar ? (int) (1950 + g % 100) : null, lunar ? (int) (1 + g % 12) : null, lunar ? (int) (1 + g % 30) : null,
                0, RECURRENCE[(int) (g % 3)], g % 4 != 0 ? 1 : 0, g % 4 == 0 ? TIMES[(int) (g % 48)] : null,
                g % 10 != 0 ? 1 : 0, (int) (g % 4) * 15,
                created.format(TIMESTAMP), created.plusHours(1).format(TIMESTAMP), null, "Asia/Ho_Chi_Minh",
                !lunar && g % 3 == 0 ? day : null};
    }

    /** {@code INSERT INTO events (all columns) VALUES (?, …)}. */
    static String insertSql() {
        return "INSERT INTO events (" + String.join(", ", COLUMNS) + ") VALUES (" + "?, ".repeat(COLUMNS.size() - 1)
                + "?)";
    }

    /**
     * Binds one {@link #event} row to {@link #insertSql} on the server, each value as the Java type an application
     * would bind for its column there (uuid, date, time, timestamptz, boolean).
     */
    static void bindServer(PreparedStatement ps, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            if (v == null) {
                ps.setNull(i + 1, Types.NULL);
                continue;
            }
            switch (COLUMNS.get(i)) {
                case "id", "user_id" -> ps.setObject(i + 1, UUID.fromString((String) v));
                case "solar_date", "next_occurrence_on" -> ps.setObject(i + 1, LocalDate.parse((String) v));
                case "start_time" -> ps.setObject(i + 1, LocalTime.parse((String) v));
                case "created_at", "updated_at", "deleted_at" -> ps.setObject(i + 1, OffsetDateTime.parse((String) v));
                case "is_leap_month", "all_day", "notify_enabled" -> ps.setBoolean(i + 1, (Integer) v != 0);
                default -> ps.setObject(i + 1, v);
            }
        }
    }

    /** Binds one {@link #event} row to {@link #insertSql}. */
    static void bind(PreparedStatement ps, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Object v = row[i];
            if (v == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (v instanceof Integer) {
                ps.setInt(i + 1, (Integer) v);
            } else {
                ps.setString(i + 1, (String) v);
            }
        }
    }
}
