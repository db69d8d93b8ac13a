package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.SqlValues;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mooring.sync_sessions}: one row per sync request, what {@link SyncHealth} and the {@code sync_analytics} view
 * are made of. Stateless and thread-safe.
 */
public final class SyncSessions {
    public static final int MAX_LIST = 10_000;
    /** Longer error texts are cut: the table is for an overview, the log has the rest. */
    static final int MAX_ERROR_LENGTH = 2_000;

    private static final System.Logger LOG = System.getLogger(SyncSessions.class.getName());

    private SyncSessions() {
    }

    /**
     * Records one sync request. Never throws: a session that cannot be recorded (database down, a kind other than
     * handshake, pull or push) must not fail the sync it describes, so the failure is logged to
     * {@link System.Logger} {@code dev.mooring.server.SyncSessions} at WARNING and dropped.
     *
     * @param kind {@code handshake}, {@code pull} or {@code push}
     */
    public static void record(DataSource ds, String nodeId, String userId, String kind, long durationMs, int changes,
                              int conflicts, int rejected, boolean ok, String error) {
        insert(ds, List.of(new Entry(nodeId, userId, kind, durationMs, changes, conflicts, rejected, ok, error)));
    }

    /** One session to record. */
    record Entry(String nodeId, String userId, String kind, long durationMs, int changes, int conflicts, int rejected,
                 boolean ok, String error) {
    }

    /** Records sessions in one batch; never throws (see {@link #record}). */
    static void insert(DataSource ds, List<Entry> entries) {
        String sql = """
                INSERT INTO mooring.sync_sessions (node_id, user_id, kind, duration_ms, changes, conflicts, rejected,
                                                   ok, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (Entry e : entries) {
                ps.setString(1, e.nodeId());
                ps.setString(2, e.userId());
                ps.setString(3, e.kind());
                ps.setInt(4, (int) Math.max(0, Math.min(Integer.MAX_VALUE, e.durationMs())));
                ps.setInt(5, e.changes());
                ps.setInt(6, e.conflicts());
                ps.setInt(7, e.rejected());
                ps.setBoolean(8, e.ok());
                ps.setString(9, e.error() == null || e.error().length() <= MAX_ERROR_LENGTH ? e.error()
                        : e.error().substring(0, MAX_ERROR_LENGTH));
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not record " + entries.size() + " sync session(s); the syncs"
                    + " themselves are unaffected: " + e.getMessage(), e);
        }
    }

    /**
     * The latest sessions, newest first.
     *
     * @throws MooringException {@code USAGE} for a limit outside 1..{@value #MAX_LIST}
     */
    public static List<SessionSummary> recent(DataSource ds, int limit) {
        return recent(ds, null, limit);
    }

    /** The latest sessions of one user ({@code null}: everyone's), newest first. */
    public static List<SessionSummary> recent(DataSource ds, String userIdOrNull, int limit) {
        return recent(ds, userIdOrNull, false, limit);
    }

    /** As {@link #recent(DataSource, String, int)}, only the failed ones when {@code failedOnly}. */
    static List<SessionSummary> recent(DataSource ds, String userIdOrNull, boolean failedOnly, int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new MooringException(ErrorCode.USAGE, "limit must be between 1 and " + MAX_LIST + ", was " + limit);
        }
        String sql = """
                SELECT id, node_id, user_id, kind, started_at, duration_ms, changes, conflicts, rejected, ok, error
                  FROM mooring.sync_sessions
                 WHERE (?::text IS NULL OR user_id = ?) AND (NOT ? OR NOT ok)
                 ORDER BY started_at DESC, id DESC
                 LIMIT ?
                """;
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, userIdOrNull);
            ps.setString(2, userIdOrNull);
            ps.setBoolean(3, failedOnly);
            ps.setInt(4, limit);
            List<SessionSummary> sessions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new SessionSummary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            SqlValues.instant(rs, 5), rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getInt(9),
                            rs.getBoolean(10), rs.getString(11)));
                }
            }
            return sessions;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read sync sessions: " + e.getMessage(), e);
        }
    }
}
