package dev.mooring.sync.client.internal;

import dev.mooring.sync.client.ClientStatus;
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code sync_log}, one row per sync, and the status questions an app asks. Stateless; auto-commit statements. */
public final class SyncLog {
    private SyncLog() {
    }

    /** Records the start of a sync; a row left {@code running} by a crash becomes {@code interrupted}. */
    public static long start(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE sync_log SET status = 'interrupted' WHERE status = 'running'");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sync_log (type, started_at, status)"
                + " VALUES ('sync', ?, 'running')")) {
            ps.setString(1, Instant.now().toString());
            ps.executeUpdate();
        }
        // last_insert_rowid(), not RETURNING (SQLite 3.35): the connection is the caller's alone
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static void finished(Connection c, long id, SyncReport report) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_log SET finished_at = ?, status = 'ok', pulled = ?,"
                + " pushed = ?, conflicts = ?, rejected = ? WHERE id = ?")) {
            ps.setString(1, Instant.now().toString());
            ps.setLong(2, report.pulled());
            ps.setLong(3, report.pushed());
            ps.setLong(4, report.conflicts().size());
            ps.setLong(5, report.rejected());
            ps.setLong(6, id);
            ps.executeUpdate();
        }
    }

    public static void failed(Connection c, long id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_log SET finished_at = ?, status = 'failed',"
                + " error = ? WHERE id = ?")) {
            ps.setString(1, Instant.now().toString());
            ps.setString(2, error);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    public static ClientStatus status(Connection c) throws SQLException {
        long pending;
        long rejected;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(DISTINCT table_name"
                + " || char(0) || record_id), count(CASE WHEN state = 'rejected' THEN 1 END) FROM sync_queue")) {
            rs.next();
            pending = rs.getLong(1);
            rejected = rs.getLong(2);
        }
        Instant lastOk = null;
        String lastError = null;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT max(finished_at) FROM"
                + " sync_log WHERE status = 'ok'), (SELECT CASE WHEN status = 'failed' THEN error END FROM sync_log"
                + " WHERE status <> 'running' ORDER BY id DESC LIMIT 1)")) {
            if (rs.next()) {
                lastOk = rs.getString(1) == null ? null : Instant.parse(rs.getString(1));
                lastError = rs.getString(2);
            }
        }
        return new ClientStatus(ClientState.nodeId(c), pending, rejected, lastOk, lastError, ClientState.cursor(c));
    }

    public static List<SyncConflict> conflicts(Connection c, int limit) throws SQLException {
        List<SyncConflict> conflicts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, record_id, conflict_rule,"
                + " conflict_resolution, conflict_at FROM record_sync_status WHERE conflict_at IS NOT NULL"
                + " ORDER BY conflict_at DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conflicts.add(new SyncConflict(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.parse(rs.getString(5))));
                }
            }
        }
        return conflicts;
    }
}
