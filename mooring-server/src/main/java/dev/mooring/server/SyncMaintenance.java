package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.TableCatalog;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the sync bookkeeping within the configured {@link SyncConfig#tombstoneRetention()}: tombstoned rows of
 * synced tables whose {@code deleted_at} is older are deleted for good (clients are told through the change log),
 * then change log entries older than that are removed, and the oldest position still complete is recorded, so a
 * client whose cursor is older is told to bootstrap again instead of silently missing changes. {@code mooring
 * server} runs it at start and every hour. Stateless; run it from one place at a time (concurrent runs are
 * serialized by an advisory lock).
 */
public final class SyncMaintenance {
    /**
     * What one run removed.
     *
     * @param tombstonesPurged rows deleted for good, by synced table
     * @param changesPruned    change log entries removed
     */
    public record PruneReport(Map<String, Long> tombstonesPurged, long changesPruned) {
        public PruneReport {
            tombstonesPurged = Map.copyOf(tombstonesPurged);
        }
    }

    private SyncMaintenance() {
    }

    public static PruneReport prune(DataSource dataSource, SyncConfig config) {
        String retention = config.tombstoneRetention().toMillis() + " milliseconds";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('mooring.prune'))")) {
                    lock.execute();
                }
                Map<String, Long> purged = new LinkedHashMap<>();
                for (TableCatalog.Table table : TableCatalog.read(c, config).tables()) {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table.sqlName()
                            + " WHERE deleted_at < now() - CAST(? AS interval)")) {
                        ps.setString(1, retention);
                        purged.put(table.sync().name(), (long) ps.executeUpdate());
                    }
                }
                long pruned;
                try (PreparedStatement ps = c.prepareStatement("""
                        WITH gone AS (DELETE FROM mooring.change_log WHERE changed_at < now() - CAST(? AS interval)
                                      RETURNING xid)
                        SELECT count(*), max(xid::text::numeric)::text FROM gone
                        """)) {
                    ps.setString(1, retention);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        pruned = rs.getLong(1);
                        if (rs.getString(2) != null) {
                            try (PreparedStatement mark = c.prepareStatement("UPDATE mooring.retention SET pruned_below ="
                                    + " greatest(pruned_below, (CAST(? AS numeric) + 1)::text::xid8), pruned_at = now()")) {
                                mark.setString(1, rs.getString(2));
                                mark.executeUpdate();
                            }
                        }
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM mooring.shared_feed"
                        + " WHERE changed_at < now() - CAST(? AS interval)")) {
                    // pruned with the change log: a cursor older than the kept history bootstraps again either way
                    ps.setString(1, retention);
                    pruned += ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM mooring.rejected_changes"
                        + " WHERE rejected_at < now() - CAST(? AS interval)")) {
                    ps.setString(1, retention);
                    ps.executeUpdate();
                }
                c.commit();
                return new PruneReport(purged, pruned);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not prune the sync history: " + e.getMessage(), e);
        }
    }
}
