package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.DryRunResult;
import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.Migrator;
import dev.mooring.spring.boot.MooringMigrationInitializer;
import dev.mooring.spring.boot.MooringMigrationStrategy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The default {@link MooringMigrationStrategy}: what {@code mooring.migrate.*} asks for. A dry run logs the SQL and
 * changes nothing; otherwise an unmanaged database is baselined when asked, then migrated. Results are logged by
 * {@link MooringMigrationInitializer}'s logger. Stateless.
 */
final class PropertiesMigrationStrategy implements MooringMigrationStrategy {
    private static final Log LOG = LogFactory.getLog(MooringMigrationInitializer.class);

    private final MooringProperties.Migrate properties;

    PropertiesMigrationStrategy(MooringProperties.Migrate properties) {
        this.properties = properties;
    }

    @Override
    public void migrate(Migrator migrator) {
        if (properties.dryRun()) {
            DryRunResult plan = migrator.dryRun();
            if (plan.migrations().isEmpty()) {
                LOG.info("Mooring dry run: the " + plan.dialect() + " database is up to date at version "
                        + plan.fromVersion() + "; nothing would run.");
            } else {
                LOG.info("Mooring dry run (mooring.migrate.dry-run=true), nothing was changed. The next migrate would take"
                        + " the " + plan.dialect() + " database from version " + plan.fromVersion() + " to "
                        + plan.toVersion() + ":\n" + plan.sql());
            }
            return;
        }
        if (properties.baselineOnMigrate()) {
            baselineIfUnmanaged(migrator);
        }
        MigrateResult result = migrator.migrate();
        if (result.applied().isEmpty()) {
            LOG.info("Mooring: the " + result.dialect() + " database is up to date at version " + result.toVersion() + ".");
        } else {
            LOG.info(String.format(Locale.ROOT, "Mooring migrated the %s database from version %s to %s: %d migration(s)"
                    + " in %d ms.", result.dialect(), result.fromVersion(), result.toVersion(), result.applied().size(),
                    result.totalMs()));
        }
    }

    /** Flyway's baselineOnMigrate: a schema with tables but no history is adopted at the baseline version. */
    private void baselineIfUnmanaged(Migrator migrator) {
        InfoReport info = migrator.info();
        boolean hasHistory = info.migrations().stream().anyMatch(m -> m.appliedAt() != null);
        if (hasHistory || !hasTables(migrator)) {
            return;
        }
        migrator.baseline(properties.baselineVersion(), properties.baselineDescription());
        LOG.info("Mooring: the database has tables but no migration history; recorded baseline version "
                + properties.baselineVersion() + " (mooring.migrate.baseline-on-migrate=true).");
    }

    /** Whether the connection's current schema holds any table besides the history table. */
    private static boolean hasTables(Migrator migrator) {
        String history = migrator.config().table().substring(migrator.config().table().lastIndexOf('.') + 1);
        try (Connection c = migrator.dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet tables = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (tables.next()) {
                    String name = tables.getString("TABLE_NAME");
                    if (!name.startsWith("sqlite_") && !name.equalsIgnoreCase(history)) {
                        return true;
                    }
                }
                return false;
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not list the tables of the database to baseline: "
                    + e.getMessage(), e);
        }
    }
}
