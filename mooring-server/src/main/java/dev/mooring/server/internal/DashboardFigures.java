package dev.mooring.server.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin dashboard's figures that no other part of the server reads: syncs per day from the
 * {@code mooring.sync_analytics} view, the users who synced the most, and the nodes with changes they have not pulled.
 * Days are UTC days. Stateless; each method runs on the caller's connection.
 */
public final class DashboardFigures {
    private DashboardFigures() {
    }

    /**
     * One UTC day of {@code sync_analytics}.
     *
     * @param day       the day
     * @param sessions  sync requests
     * @param failed    of those, the ones that failed
     * @param changes   changes pushed and pulled
     * @param conflicts conflicts the pushes ran into
     */
    public record Day(LocalDate day, long sessions, long failed, long changes, long conflicts) {
    }

    /**
     * What one user synced in a window.
     *
     * @param userId  the user
     * @param pushed  changes their nodes pushed
     * @param pulled  changes their nodes pulled
     * @param syncs   sync requests
     * @param failed  of those, the ones that failed
     */
    public record UserVolume(String userId, long pushed, long pulled, long syncs, long failed) {
    }

    /**
     * A node with changes waiting for it.
     *
     * @param nodeId                  the node
     * @param userId                  its user
     * @param lastSeenAt              when it last reached the server
     * @param oldestUndeliveredChange when the oldest change it may pull but has not was made
     */
    public record NodeBehind(String nodeId, String userId, Instant lastSeenAt, Instant oldestUndeliveredChange) {
    }

    /** The nodes behind, oldest backlog first, and how many there are in all. */
    public record NodesBehind(long count, List<NodeBehind> oldest) {
    }

    /** The last {@code days} UTC days up to today, oldest first, each present (zeros for a day without syncs). */
    public static List<Day> syncsPerDay(Connection c, int days) throws SQLException {
        // the view groups by hour; its hour is a timestamptz, so the day is taken in UTC, not the session's time zone
        String sql = """
                WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d),
                     per_day AS (
                       SELECT (a.hour AT TIME ZONE 'UTC')::date AS day, sum(a.sessions) AS sessions,
                              sum(a.failed) AS failed, sum(a.changes) AS changes, sum(a.conflicts) AS conflicts
                         FROM mooring.sync_analytics a, today
                        WHERE a.hour >= (today.d - ?)::timestamp AT TIME ZONE 'UTC'
                        GROUP BY 1)
                SELECT g.day::date, coalesce(p.sessions, 0), coalesce(p.failed, 0), coalesce(p.changes, 0),
                       coalesce(p.conflicts, 0)
                  FROM today, generate_series((today.d - ?)::timestamp, today.d::timestamp, interval '1 day') AS g(day)
                  LEFT JOIN per_day p ON p.day = g.day::date
                 ORDER BY 1
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, days - 1);
            ps.setInt(2, days - 1);
            List<Day> result = new ArrayList<>(days);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Day(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5)));
                }
            }
            return result;
        }
    }

    /** The {@code limit} users with the most changes synced in the last {@code days} days, most first. */
    public static List<UserVolume> topUsers(Connection c, int days, int limit) throws SQLException {
        String sql = """
                SELECT user_id, coalesce(sum(changes) FILTER (WHERE kind = 'push'), 0),
                       coalesce(sum(changes) FILTER (WHERE kind = 'pull'), 0), count(*), count(*) FILTER (WHERE NOT ok)
                  FROM mooring.sync_sessions
                 WHERE started_at > now() - make_interval(days => ?) AND user_id IS NOT NULL
                 GROUP BY user_id
                 ORDER BY sum(changes) DESC, count(*) DESC, user_id
                 LIMIT ?
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, days);
            ps.setInt(2, limit);
            List<UserVolume> users = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.add(new UserVolume(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5)));
                }
            }
            return users;
        }
    }

    /**
     * Nodes that have pulled before and have changes waiting: to rows of their user, public-read rows, or rows shared
     * with their user since their last pull. Each node's backlog is read through the feeds' (audience, xid) indexes.
     */
    public static NodesBehind nodesBehind(Connection c, int limit) throws SQLException {
        String sql = """
                WITH behind AS (
                  SELECT n.node_id, n.user_id, n.last_seen_at,
                         least((SELECT min(l.changed_at) FROM mooring.change_log l
                                 WHERE l.audience IN (n.user_id, '*') AND l.xid >= n.last_pulled),
                               (SELECT min(f.changed_at) FROM mooring.shared_feed f
                                 WHERE f.audience = n.user_id AND f.xid >= n.last_pulled)) AS oldest
                    FROM mooring.nodes n
                   WHERE n.last_pulled IS NOT NULL)
                SELECT node_id, user_id, last_seen_at, oldest, count(*) OVER ()
                  FROM behind
                 WHERE oldest IS NOT NULL
                 ORDER BY oldest, node_id
                 LIMIT ?
                """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            long count = 0;
            List<NodeBehind> nodes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    nodes.add(new NodeBehind(rs.getString(1), rs.getString(2), SqlValues.instant(rs, 3),
                            SqlValues.instant(rs, 4)));
                    count = rs.getLong(5);
                }
            }
            return new NodesBehind(count, nodes);
        }
    }
}
