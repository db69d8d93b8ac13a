package dev.mooring.spring.boot.actuate;

import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.Migrator;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether the database is at the version the application's migrations describe: DOWN when a migration failed (or
 * the history cannot be read), OUT_OF_SERVICE while migrations are pending (the application's code is newer than its
 * schema), UP otherwise. Details: dialect, history table, current version (absent before the first migration), the
 * number applied, and the scripts pending (including out-of-order ones) or failed.
 * Reads the files and the history on every call. Thread-safe.
 */
public final class MigrationsHealthIndicator extends AbstractHealthIndicator {
    private static final Set<MigrationState> NOT_YET = Set.of(MigrationState.PENDING, MigrationState.OUTDATED,
            MigrationState.OUT_OF_ORDER);

    private final Migrator migrator;

    public MigrationsHealthIndicator(Migrator migrator) {
        super("Mooring could not read the migration state");
        this.migrator = Objects.requireNonNull(migrator, "migrator");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        InfoReport info = migrator.info();
        List<String> pending = scripts(info, NOT_YET);
        List<String> failed = scripts(info, Set.of(MigrationState.FAILED));
        if (!failed.isEmpty()) {
            builder.down();
        } else if (!pending.isEmpty()) {
            builder.outOfService();
        } else {
            builder.up();
        }
        builder.withDetail("dialect", info.dialect()).withDetail("table", info.table());
        if (info.currentVersion() != null) {
            builder.withDetail("currentVersion", info.currentVersion());
        }
        builder.withDetail("applied", info.count(MigrationState.APPLIED))
                .withDetail("pending", pending)
                .withDetail("failed", failed);
    }

    private static List<String> scripts(InfoReport info, Set<MigrationState> states) {
        return info.migrations().stream().filter(m -> states.contains(m.state())).map(MigrationInfo::script).toList();
    }
}
