package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The oldest SQLite the sync client runs on, and the check that a connection's library is at least that. 3.28.0 is
 * the SQLite of Android 11 (API 30); Android 12 and 13 ship 3.32, 14 ships 3.39. Older ones lack what the client's
 * SQL needs (window functions came in 3.25, upserts in 3.24). Everything the client and its triggers run is kept
 * within 3.28: no {@code unixepoch}, {@code RETURNING}, {@code UPDATE … FROM}, {@code ->>} or aggregate
 * {@code FILTER}; the tests run the client on sqlite-jdbc 3.28.0 too. The JSON functions must be there (every
 * sqlite-jdbc build has them; they are built in since 3.38). Thread-safe: static.
 */
public final class SqliteVersion {
    /** The oldest supported SQLite version, as {@code sqlite_version()} prints it. */
    public static final String OLDEST = "3.28.0";

    private SqliteVersion() {
    }

    /**
     * Checks the library behind {@code c}; {@code database} names the file in the message.
     *
     * @throws MooringException {@code SQLITE_UNSUPPORTED} naming the version found and the one needed
     */
    public static void check(Connection c, Object database) throws SQLException {
        String version;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            version = rs.getString(1);
        }
        if (compare(version, OLDEST) < 0) {
            throw new MooringException(ErrorCode.SQLITE_UNSUPPORTED, "The SQLite library opening " + database + " is "
                    + version + "; Mooring's sync client needs SQLite " + OLDEST + " or newer (its capture triggers"
                    + " and sync would not work correctly on an older one). Use sqlite-jdbc " + OLDEST
                    + " or newer (org.xerial:sqlite-jdbc), or a newer system SQLite.");
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT json_object('a', 1)")) {
            rs.next();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.SQLITE_UNSUPPORTED, "The SQLite library opening " + database + " ("
                    + version + ") was built without the JSON functions, which Mooring's sync client needs: use a"
                    + " build with JSON1 (every org.xerial:sqlite-jdbc has it).", e);
        }
    }

    /** Compares dotted version numbers numerically: {@code 3.9.0} is older than {@code 3.28.0}. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? number(x[i]) : 0;
            int q = i < y.length ? number(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
    }

    private static int number(String part) {
        int end = 0;
        while (end < part.length() && Character.isDigit(part.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Integer.parseInt(part.substring(0, end));
    }
}
