package dev.mooring.sync.client.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs work in one SQLite write transaction, begun IMMEDIATE so the write lock is taken up front (a deferred
 * transaction that reads first can fail with SQLITE_BUSY when it later writes). Stateless.
 */
public final class Transactions {
    /** Work that may throw {@link SQLException}. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    private Transactions() {
    }

    /** Runs {@code work} between BEGIN IMMEDIATE and COMMIT on a connection in auto-commit mode; rolls back on failure. */
    public static <T> T immediate(Connection c, Work<T> work) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        }
        boolean done = false;
        try {
            T result = work.run();
            try (Statement s = c.createStatement()) {
                s.execute("COMMIT");
            }
            done = true;
            return result;
        } finally {
            if (!done) {
                try (Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // no transaction left to roll back (SQLite ends it itself on some errors)
                }
            }
        }
    }
}
