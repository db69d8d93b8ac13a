package dev.mooring.spring.boot.actuate;

import dev.mooring.server.HealthReport;
import dev.mooring.server.SyncHealth;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import javax.sql.DataSource;
import java.util.Objects;

/**
 * The sync health report ({@link SyncHealth#report}) as details: sessions and failures in the last hour, conflict
 * rate, pending conflicts, nodes, change log size and the oldest undelivered change. UP when the report can be read,
 * DOWN when it cannot (the database is unreachable or sync is not installed). Thread-safe.
 */
public final class SyncHealthIndicator extends AbstractHealthIndicator {
    private final DataSource dataSource;

    public SyncHealthIndicator(DataSource dataSource) {
        super("Mooring could not read the sync health");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        HealthReport report = SyncHealth.report(dataSource);
        builder.up()
                .withDetail("sessionsLastHour", report.sessionsLastHour())
                .withDetail("failedLastHour", report.failedLastHour())
                .withDetail("conflictRate", report.conflictRate())
                .withDetail("pendingConflicts", report.pendingConflicts())
                .withDetail("averageDurationMs", report.averageDurationMs())
                .withDetail("nodes", report.nodes())
                .withDetail("changeLogRows", report.changeLogRows());
        if (report.oldestPendingConflict() != null) {
            builder.withDetail("oldestPendingConflict", report.oldestPendingConflict().toString());
        }
        if (report.oldestUndeliveredChange() != null) {
            builder.withDetail("oldestUndeliveredChange", report.oldestUndeliveredChange().toString());
        }
    }
}
