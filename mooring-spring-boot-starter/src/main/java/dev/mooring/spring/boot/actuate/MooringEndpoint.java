package dev.mooring.spring.boot.actuate;

import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.Migrator;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /actuator/mooring}: every migration known from the files or the history, applied and pending, like Flyway's
 * {@code /actuator/flyway}, and the sync health report when sync is configured. Thread-safe.
 */
@Endpoint(id = "mooring")
public final class MooringEndpoint {
    private final Migrator migrator;
    private final Supplier<?> syncHealth;

    /**
     * @param migrator   the application's migrator; {@code null} when migration is off
     * @param syncHealth reads the sync health report; {@code null} when sync is not configured
     */
    public MooringEndpoint(Migrator migrator, Supplier<?> syncHealth) {
        this.migrator = migrator;
        this.syncHealth = syncHealth;
    }

    @ReadOperation
    public MooringDescriptor mooring() {
        return new MooringDescriptor(migrator == null ? null : MigrationsDescriptor.of(migrator.info()),
                syncHealth == null ? null : syncHealth.get());
    }

    /**
     * What the endpoint answers.
     *
     * @param migrations the migrations; {@code null} when migration is off
     * @param sync       the sync health report ({@code dev.mooring.server.HealthReport}); {@code null} when sync is not
     *                   configured
     */
    public record MooringDescriptor(MigrationsDescriptor migrations, Object sync) {
    }

    /**
     * The migrations of the database, as {@code mooring info} shows them.
     *
     * @param dialect        {@code postgresql} or {@code sqlite}
     * @param table          the history table
     * @param currentVersion the highest applied version; {@code null} when nothing is applied
     * @param pending        how many migrations the next migrate applies
     * @param migrations     applied first (in the order applied), then pending, then the rest, each with its state
     */
    public record MigrationsDescriptor(String dialect, String table, String currentVersion, long pending,
                                       List<MigrationInfo> migrations) {
        static MigrationsDescriptor of(InfoReport info) {
            return new MigrationsDescriptor(info.dialect(), info.table(), info.currentVersion(), info.pending(),
                    info.migrations());
        }
    }
}
