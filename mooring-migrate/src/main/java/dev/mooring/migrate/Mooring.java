package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * One-call entry points for application start-up.
 * <pre>{@code
 * Mooring.migrate(dataSource);                                        // server: classpath:db/migration
 * try (Connection db = Mooring.openSqlite(Path.of("client.db"), "classpath:db/client")) { ... }
 * }</pre>
 */
public final class Mooring {
    private Mooring() {
    }

    /** Brings the database behind {@code dataSource} to the latest version from {@code classpath:db/migration}. */
    public static MigrateResult migrate(DataSource dataSource) {
        return Migrator.create(dataSource, MigrationConfig.defaults()).migrate();
    }

    /** Brings the database behind {@code dataSource} to the latest version from {@code locations}. */
    public static MigrateResult migrate(DataSource dataSource, String... locations) {
        return Migrator.create(dataSource, MigrationConfig.of(locations)).migrate();
    }

    /**
     * Opens (creating if needed) a SQLite database file, brings it to the latest version from {@code locations}, and
     * returns an open connection with foreign keys enforced. The caller closes it.
     */
    public static Connection openSqlite(Path file, String... locations) {
        Objects.requireNonNull(file, "file");
        DataSource dataSource = DatabaseUrl.parse("sqlite:" + file).toDataSource();
        Migrator.create(dataSource, locations.length == 0 ? MigrationConfig.defaults() : MigrationConfig.of(locations)).migrate();
        try {
            Connection c = dataSource.getConnection();
            try (var s = c.createStatement()) {
                s.execute("PRAGMA foreign_keys = ON");
            }
            return c;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not open SQLite database " + file + ": " + e.getMessage(), e);
        }
    }
}
