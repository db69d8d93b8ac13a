package dev.mooring.server.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Finds, poll by poll, whose changes became pullable: the audiences (users, or {@code *} for public rows) of the
 * change log and shared feed entries whose transactions completed since the last poll. A pull delivers a change once
 * its transaction is older than the puller's snapshot xmin ({@link ChangeFeed}); so a poll reports exactly the
 * entries with {@code lastXmin <= xid < xmin}, each once, whatever order their transactions committed in. It reads
 * the database only, so every server instance on it sees every write, whoever made it. Nothing is added to the
 * writes themselves: {@code NOTIFY} would serialize the commits of every transaction that writes a synced table.
 *
 * <p>Finding those entries without an index on xid: both tables take their positions from one sequence, and a
 * transaction's entries are written after it got its xid (capture runs in AFTER triggers of its own writes). Now and
 * then ({@link #PROBE_INTERVAL}) the watcher reads the sequence's last value {@code S} and then takes an xid of its
 * own, {@code X}: every transaction with entries at or below {@code S} got its xid before, so below {@code X}. (A
 * snapshot's xmax cannot stand in for {@code X}: it is the newest completed xid plus one, and running transactions
 * may hold larger ones.) The entries a poll must look at belong to transactions at or above the last xmin, so it
 * scans the positions above the {@code S} of the newest probe whose {@code X} is below that xmin — usually a handful
 * of recent entries. A probe costs one xid and one commit record, written without waiting for the disk.
 * Transactions already running when the watcher started have no such bound; when the last of them ends, the poll
 * reports {@code *} once (every waiting client syncs once), which is cheaper than scanning the whole log.
 *
 * <p>Not thread-safe: one thread polls. {@link #close()} releases its connection.
 */
public final class FeedWatcher {
    /** The audience that stands for every user. */
    public static final String EVERYONE = "*";
    /** How often a poll also probes the sequence and the next xid. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(200);
    private static final String AUDIENCES = """
            WITH s AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
            SELECT s.xmin::text, a.audience
              FROM s LEFT JOIN (SELECT audience, xid FROM mooring.change_log WHERE seq > ?
                                UNION ALL
                                SELECT audience, xid FROM mooring.shared_feed WHERE seq > ?) a
                ON a.xid >= ?::xid8 AND a.xid < s.xmin
            """;
    private static final int MAX_PROBES = 4096;

    /** What a probe found: entries at or below {@code sequence} belong to transactions below {@code xid}. */
    private record Probe(long xid, long sequence) {
    }

    private final DataSource dataSource;
    /** Probes, oldest first, from the newest one whose xid is at most the last xmin. */
    private final Deque<Probe> probes = new ArrayDeque<>();
    private final Probe start;
    private long lastXmin;
    private boolean startupPending;
    private long lastProbeNanos;
    private Connection connection;

    private FeedWatcher(DataSource dataSource) {
        this.dataSource = dataSource;
        try {
            this.start = probe();
            this.lastXmin = xmin();
        } catch (SQLException e) {
            close();
            throw new IllegalStateException(e);
        }
        this.startupPending = lastXmin < start.xid();
    }

    /** A watcher that reports what completes from now on. */
    public static FeedWatcher start(DataSource dataSource) throws SQLException {
        try {
            return new FeedWatcher(dataSource);
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw e;
        }
    }

    /** Every transaction below this xid has completed and been reported. */
    public long reportedBelow() {
        return lastXmin;
    }

    /** The audiences with changes that became pullable since the last poll; empty when none did. */
    public Set<String> poll() throws SQLException {
        Set<String> audiences = new HashSet<>();
        try {
            if (System.nanoTime() - lastProbeNanos >= PROBE_INTERVAL.toNanos()) {
                remember(probe());
            }
            long floor = floor();
            long xmin;
            try (PreparedStatement ps = connection().prepareStatement(AUDIENCES)) {
                ps.setLong(1, floor);
                ps.setLong(2, floor);
                ps.setString(3, Long.toString(lastXmin));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    xmin = Long.parseLong(rs.getString(1));
                    do {
                        if (rs.getString(2) != null) {
                            audiences.add(rs.getString(2));
                        }
                    } while (rs.next());
                }
            }
            if (startupPending && xmin >= start.xid()) {
                startupPending = false;
                audiences.add(EVERYONE);
            }
            lastXmin = Math.max(lastXmin, xmin);
        } catch (SQLException e) {
            close(); // the next poll connects again
            throw e;
        }
        while (probes.size() > 1 && second().xid() <= lastXmin) {
            probes.removeFirst();
        }
        return audiences;
    }

    /** Closes the connection it polls on. */
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // it is being given up either way
            }
            connection = null;
        }
    }

    /** Entries of transactions at or above lastXmin lie above this position. */
    private long floor() {
        Probe oldest = probes.peekFirst();
        return oldest != null && oldest.xid() <= lastXmin ? oldest.sequence() : start.sequence();
    }

    private Probe second() {
        Iterator<Probe> all = probes.iterator();
        all.next();
        return all.next();
    }

    /**
     * Adds a probe. While a long transaction holds xmin back, probes pile up; past a limit every other one after the
     * first is dropped. That only ever lowers a later floor (more to scan), never raises it.
     */
    private void remember(Probe probe) {
        probes.addLast(probe);
        if (probes.size() > MAX_PROBES) {
            Deque<Probe> thinned = new ArrayDeque<>();
            Iterator<Probe> all = probes.iterator();
            thinned.add(all.next());
            for (int i = 0; all.hasNext(); i++) {
                Probe p = all.next();
                if (i % 2 == 1 || !all.hasNext()) {
                    thinned.add(p);
                }
            }
            probes.clear();
            probes.addAll(thinned);
        }
    }

    /** The sequence's last value, then an xid taken after it (two statements, in that order). */
    private Probe probe() throws SQLException {
        lastProbeNanos = System.nanoTime();
        try (Statement s = connection().createStatement()) {
            long sequence;
            // before the first nextval, last_value is the start value, not yet handed out
            try (ResultSet rs = s.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
                    + " FROM mooring.change_log_seq_seq")) {
                rs.next();
                sequence = rs.getLong(1);
            }
            // its commit record need not wait for the disk (for this transaction only: the connection may be pooled)
            try (ResultSet rs = s.executeQuery("SELECT set_config('synchronous_commit', 'off', true),"
                    + " pg_current_xact_id()::text")) {
                rs.next();
                return new Probe(Long.parseLong(rs.getString(2)), sequence);
            }
        }
    }

    private long xmin() throws SQLException {
        try (Statement s = connection().createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /** Its own connection, held between polls: a poll every few milliseconds should not queue for the pool. */
    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
        }
        return connection;
    }
}
