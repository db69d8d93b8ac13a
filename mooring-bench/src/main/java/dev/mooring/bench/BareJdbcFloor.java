package dev.mooring.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * The least any migration tool must do to apply the migrations: one connection; per migration one transaction
 * that executes each statement with one {@link Statement#execute} and inserts one history row with a prepared
 * statement. No file scanning, parsing, checksums, locking or validation: the statements come from memory. This is
 * the yardstick the "at most 1.2x the floor" target is measured against. Not thread-safe; use one per run.
 */
public final class BareJdbcFloor {
    static final String HISTORY_TABLE = "floor_history";

    private BareJdbcFloor() {
    }

    /** Applies every migration of {@code set} to an empty database; returns how many were applied. */
    public static int apply(DataSource dataSource, MigrationSet set) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE " + HISTORY_TABLE
                        + " (version integer primary key, description text not null, applied_at text not null)");
            }
            c.setAutoCommit(false);
            int applied = 0;
            try (Statement s = c.createStatement();
                 PreparedStatement history = c.prepareStatement(
                         "INSERT INTO " + HISTORY_TABLE + " (version, description, applied_at) VALUES (?, ?, ?)")) {
                for (MigrationSet.Migration m : set.migrations()) {
                    try {
                        for (String statement : m.statements()) {
                            s.execute(statement);
                        }
                        history.setInt(1, m.number());
                        history.setString(2, m.description());
                        history.setString(3, Instant.now().toString());
                        history.executeUpdate();
                        c.commit();
                        applied++;
                    } catch (SQLException e) {
                        c.rollback();
                        throw e;
                    }
                }
            } finally {
                c.setAutoCommit(true);
            }
            return applied;
        }
    }
}
