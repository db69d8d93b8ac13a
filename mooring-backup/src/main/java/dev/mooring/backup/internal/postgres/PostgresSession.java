package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The session settings every dump connection runs with, so that catalog functions print schema-qualified
 * names and COPY prints the same bytes for the same rows on every connection, whatever the server's or the
 * role's defaults. Stateless; thread-safe.
 */
final class PostgresSession {
    // search_path '' makes every pg_get_*def, regclass and format_type output schema-qualified.
    private static final String SETTINGS = """
            SET search_path = '';
            SET client_encoding = 'UTF8';
            SET DateStyle = 'ISO, MDY';
            SET IntervalStyle = 'postgres';
            SET extra_float_digits = 3;
            SET TimeZone = 'UTC';
            SET bytea_output = 'hex'""";

    private PostgresSession() {
    }

    /** Applies the dump settings to {@code conn}'s session. */
    static void apply(Connection conn) {
        try (Statement st = conn.createStatement()) {
            for (String set : SETTINGS.split(";\n")) {
                st.execute(set);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not set the dump session settings: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the read-only repeatable-read transaction a dump reads in, optionally importing another session's
     * snapshot. Leaves autocommit off; the caller ends the transaction.
     */
    static void beginSnapshot(Connection conn, String importedSnapshot) {
        try (Statement st = conn.createStatement()) {
            // The driver sends BEGIN itself once autocommit is off, so the level is set as the first statement
            // of that transaction rather than with a second, ignored BEGIN.
            conn.setAutoCommit(false);
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            if (importedSnapshot != null) {
                st.execute("SET TRANSACTION SNAPSHOT '" + importedSnapshot.replace("'", "''") + "'");
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not start the dump's snapshot transaction"
                    + (importedSnapshot == null ? "" : " with snapshot " + importedSnapshot) + ": " + e.getMessage(), e);
        }
    }
}
