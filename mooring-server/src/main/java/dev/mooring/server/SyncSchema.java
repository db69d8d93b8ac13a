package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.AppliedMigration;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.internal.AccessTriggers;
import dev.mooring.server.internal.CaptureTriggers;
import dev.mooring.server.internal.TableCatalog;
import dev.mooring.server.internal.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Installs sync on a PostgreSQL database: Mooring's bookkeeping schema {@code mooring} (change log, column versions,
 * nodes, conflicts, sessions, tokens), applied by Mooring's own migrations, and a capture trigger on every synced
 * table. Idempotent: run it at every start and after every application migration; a second run changes nothing.
 * Stateless and thread-safe; concurrent installs are serialized by an advisory lock.
 *
 * <pre>{@code
 * SyncConfig config = SyncConfig.of(SyncedTable.owned("events"), SyncedTable.publicRead("holidays"));
 * InstallReport report = SyncSchema.install(dataSource, config);
 * }</pre>
 */
public final class SyncSchema {
    /** Where the bookkeeping migrations live, and their history table. */
    static final String LOCATION = "classpath:dev/mooring/server/schema";
    static final String HISTORY_TABLE = "mooring.schema_version";

    private SyncSchema() {
    }

    /**
     * Brings the bookkeeping schema up to date and the capture triggers in line with {@code config}.
     *
     * @throws MooringException {@code CONFIGURATION} naming every synced table that cannot sync and how to fix it
     */
    public static InstallReport install(DataSource dataSource, SyncConfig config) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS mooring");
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not create the schema mooring: " + e.getMessage(), e);
        }
        MigrateResult migrated = migrator(dataSource).migrate();
        CaptureTriggers.Outcome triggers = Transactions.run(dataSource, "Could not install the capture triggers",
                c -> {
                    TableCatalog catalog = TableCatalog.read(c, config);
                    CaptureTriggers.Outcome outcome = CaptureTriggers.apply(c, catalog);
                    AccessTriggers.apply(c, catalog);
                    return outcome;
                });
        return new InstallReport(migrated.toVersion(), migrated.applied().stream().map(AppliedMigration::version).toList(),
                triggers.created(), triggers.upToDate(), triggers.removed());
    }

    /** Mooring's own migrations of the bookkeeping schema, on {@code dataSource}. */
    static Migrator migrator(DataSource dataSource) {
        return Migrator.create(dataSource, MigrationConfig.of(LOCATION).withTable(HISTORY_TABLE)
                .withClassLoader(SyncSchema.class.getClassLoader()));
    }
}
