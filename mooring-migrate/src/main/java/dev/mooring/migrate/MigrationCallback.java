package dev.mooring.migrate;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Java hooks around a {@code migrate} run, beside the SQL callback files ({@code beforeMigrate.sql}, …). The
 * "each" hooks run on the migration's connection inside its transaction, so what they write commits or rolls back
 * with it. An exception from a hook fails the run. Implementations must be thread-safe if shared between migrators.
 */
public interface MigrationCallback {
    default void beforeMigrate(Connection connection) throws SQLException {
    }

    default void beforeEachMigrate(Connection connection, MigrationInfo migration) throws SQLException {
    }

    default void afterEachMigrate(Connection connection, MigrationInfo migration) throws SQLException {
    }

    default void afterMigrate(Connection connection, MigrateResult result) throws SQLException {
    }
}
