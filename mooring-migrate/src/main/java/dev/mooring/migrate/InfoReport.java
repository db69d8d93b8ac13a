package dev.mooring.migrate;

import java.util.List;

/**
 * The result of {@code info}: every migration known from files or history, in order.
 *
 * @param dialect        {@code postgresql} or {@code sqlite}
 * @param table          the history table
 * @param currentVersion the highest applied version, or {@code null} when nothing is applied
 * @param migrations     applied first (in the order applied), then pending, then the rest
 */
public record InfoReport(String dialect, String table, String currentVersion, List<MigrationInfo> migrations) {
    public InfoReport {
        migrations = List.copyOf(migrations);
    }

    public long count(MigrationState state) {
        return migrations.stream().filter(m -> m.state() == state).count();
    }

    /** Pending migrations the next {@code migrate} will apply (including outdated repeatables). */
    public long pending() {
        return count(MigrationState.PENDING) + count(MigrationState.OUTDATED);
    }
}
