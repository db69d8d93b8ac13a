package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.SqlValues;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** The health of sync at a glance, read from the bookkeeping schema in one statement. Stateless and thread-safe. */
public final class SyncHealth {
    private static final String REPORT_SQL = """
            SELECT s.sessions, s.failed, s.conflicts::float8 / greatest(1, s.changes), s.avg_ms,
                   (SELECT count(*) FROM mooring.conflicts WHERE status = 'pending'),
                   (SELECT min(created_at) FROM mooring.conflicts WHERE status = 'pending'),
                   (SELECT count(*) FROM mooring.nodes),
                   (SELECT count(*) FROM mooring.change_log),
                   (SELECT min(changed_at) FROM mooring.change_log
                     WHERE xid >= (SELECT min(last_pulled) FROM mooring.nodes))
              FROM (SELECT count(*) AS sessions, count(*) FILTER (WHERE NOT ok) AS failed,
                           coalesce(sum(changes), 0) AS changes, coalesce(sum(conflicts), 0) AS conflicts,
                           coalesce(avg(duration_ms), 0)::float8 AS avg_ms
                      FROM mooring.sync_sessions
                     WHERE started_at > now() - interval '1 hour') s
            """;

    private SyncHealth() {
    }

    /** The report as of now, over a database where {@link SyncSchema#install} has run. */
    public static HealthReport report(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(REPORT_SQL)) {
            rs.next();
            return new HealthReport(rs.getLong(1), rs.getLong(2), rs.getDouble(3), rs.getLong(5),
                    SqlValues.instant(rs, 6), rs.getDouble(4), rs.getLong(7), rs.getLong(8), SqlValues.instant(rs, 9),
                    Map.of());
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the sync health: " + e.getMessage(), e);
        }
    }
}
