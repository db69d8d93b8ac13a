package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.FeedPosition;
import dev.mooring.server.internal.FeedWatcher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live sync's wake-ups: {@link #await} answers, as soon as a change the user may see becomes pullable after their
 * cursor, that they should sync; or, when the wait runs out first, that nothing came. It is a wake-up, not a second
 * way to deliver: the client then pulls as always. A waiting client holds no thread: each wait is a future, completed
 * by one watcher thread that polls the database ({@link FeedWatcher}) every {@link #POLL_INTERVAL} while anyone waits
 * (every {@link #IDLE_POLL_INTERVAL} otherwise). So every server instance on one database wakes its own waiting
 * clients for every write, whichever instance or application made it, and the writes pay nothing for it.
 *
 * <p>A wake may be spurious (the change was the client's own, or outside its subscription); the pull that follows
 * then returns nothing. A missed wake would only delay a change until the wait runs out, never lose it.
 *
 * <p>Thread-safe. {@link #close()} fails every wait with {@code SYNC_UNAVAILABLE} (HTTP 503: the clients come back
 * after their own jittered waits, so a restart brings no stampede) and stops the watcher.
 */
public final class LiveChanges implements AutoCloseable {
    /** How often the watcher polls while clients wait. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    /** How often it polls while none does, to keep its place. */
    public static final Duration IDLE_POLL_INTERVAL = Duration.ofMillis(500);
    /** The longest wait a client may ask for: under the 30 s idle time-out of Jetty and of common proxies. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(25);

    private static final Logger LOG = LoggerFactory.getLogger(LiveChanges.class);
    private static final String PENDING = """
            SELECT EXISTS (SELECT 1 FROM mooring.change_log WHERE audience = ? AND (xid, seq) > (?::xid8, ?)
                                                              AND xid < ?::xid8)
                OR EXISTS (SELECT 1 FROM mooring.change_log WHERE audience = '*' AND (xid, seq) > (?::xid8, ?)
                                                              AND xid < ?::xid8)
                OR EXISTS (SELECT 1 FROM mooring.shared_feed WHERE audience = ? AND (xid, seq) > (?::xid8, ?)
                                                               AND xid < ?::xid8)
            """;

    private final DataSource dataSource;
    private final FeedWatcher watcher;
    private final ScheduledExecutorService scheduler;
    /** Waiting clients by user; guarded by {@code this}, as is the watcher's reported position. */
    private final Map<String, Set<CompletableFuture<Boolean>>> waiting = new HashMap<>();
    private final Thread poller;
    private volatile boolean closed;
    private long failingSince;

    private LiveChanges(DataSource dataSource, FeedWatcher watcher) {
        this.dataSource = dataSource;
        this.watcher = watcher;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-live-timeouts");
            t.setDaemon(true);
            return t;
        });
        this.poller = new Thread(this::watch, "mooring-live");
        this.poller.setDaemon(true);
    }

    /**
     * Starts watching the database where {@link SyncSchema#install} has run.
     *
     * @throws MooringException {@code DATABASE} when it cannot be read
     */
    public static LiveChanges start(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try {
            LiveChanges live = new LiveChanges(dataSource, FeedWatcher.start(dataSource));
            live.poller.start();
            return live;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not start watching for live changes: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Completes with {@code true} once a change {@code userId} may see is pullable after {@code cursor} (at once when
     * one already is, or when the cursor names no feed position yet: a fresh or bootstrapping client should sync),
     * and with {@code false} when {@code wait} passes first; fails with {@code SYNC_UNAVAILABLE} when the server stops.
     *
     * @param wait how long to wait, more than zero and at most {@link #MAX_WAIT}
     * @throws MooringException {@code USAGE} for a cursor this server did not write or a wait out of range
     */
    public CompletableFuture<Boolean> await(String userId, String cursor, Duration wait) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(wait, "wait");
        if (wait.isNegative() || wait.isZero() || wait.compareTo(MAX_WAIT) > 0) {
            throw new MooringException(ErrorCode.USAGE, "wait for live changes between 1 and "
                    + MAX_WAIT.toSeconds() + " seconds, was " + wait.toMillis() / 1000.0 + " s");
        }
        FeedPosition from = FeedPosition.decode(cursor);
        if (closed) {
            return CompletableFuture.failedFuture(stopping());
        }
        if (from == null || from.bootstrap()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<Boolean> waiter = new CompletableFuture<>();
        long reportedBelow;
        synchronized (this) {
            boolean idle = waiting.isEmpty();
            waiting.computeIfAbsent(userId, u -> new HashSet<>()).add(waiter);
            reportedBelow = watcher.reportedBelow();
            if (idle) {
                notifyAll(); // the watcher polls quickly from now on
            }
        }
        waiter.whenComplete((changed, failure) -> forget(userId, waiter));
        // what the watcher reported before this wait began is looked for here; what it reports later wakes it
        if (from.xid() < reportedBelow) {
            try {
                if (pending(userId, from, reportedBelow)) {
                    waiter.complete(true);
                    return waiter;
                }
            } catch (SQLException e) {
                waiter.completeExceptionally(new MooringException(ErrorCode.DATABASE, "Could not look for changes: "
                        + e.getMessage(), e));
                return waiter;
            }
        }
        try {
            var timeout = scheduler.schedule(() -> waiter.complete(false), wait.toMillis(), TimeUnit.MILLISECONDS);
            waiter.whenComplete((changed, failure) -> timeout.cancel(false));
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            waiter.completeExceptionally(stopping());
        }
        return waiter;
    }

    /** How many clients wait now. */
    public synchronized int waiting() {
        return waiting.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void close() {
        closed = true;
        // first, before taking the lock: the watcher holds it while it polls, and a poll may wait for a connection
        // (a pool whose database is gone waits up to its timeout, 30 s by default), which the interrupt ends
        poller.interrupt();
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(all::addAll);
            waiting.clear();
        }
        MooringException stopping = stopping();
        all.forEach(w -> w.completeExceptionally(stopping));
        scheduler.shutdownNow();
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            watcher.close();
        }
    }

    /** A failure that may pass: each client tries again after its own random wait, not all at once. */
    private static MooringException stopping() {
        return new MooringException(ErrorCode.SYNC_UNAVAILABLE, "the sync server is stopping; try again in a moment"
                + " (another instance may answer)");
    }

    private synchronized void forget(String userId, CompletableFuture<Boolean> waiter) {
        Set<CompletableFuture<Boolean>> of = waiting.get(userId);
        if (of != null && of.remove(waiter) && of.isEmpty()) {
            waiting.remove(userId);
        }
    }

    private boolean pending(String userId, FeedPosition from, long below) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PENDING)) {
            int i = 1;
            for (int branch = 0; branch < 3; branch++) {
                if (branch != 1) {
                    ps.setString(i++, userId);
                }
                ps.setString(i++, Long.toString(from.xid()));
                ps.setLong(i++, from.seq());
                ps.setString(i++, Long.toString(below));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private void watch() {
        while (!closed) {
            poll();
            Duration next;
            synchronized (this) {
                next = failingSince != 0 ? Duration.ofSeconds(1) : waiting.isEmpty() ? IDLE_POLL_INTERVAL : POLL_INTERVAL;
                try {
                    wait(next.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void poll() {
        List<CompletableFuture<Boolean>> wake = new ArrayList<>();
        try {
            Set<String> audiences;
            synchronized (this) {
                audiences = watcher.poll();
                if (audiences.contains(FeedWatcher.EVERYONE)) {
                    waiting.values().forEach(wake::addAll);
                } else {
                    for (String audience : audiences) {
                        wake.addAll(waiting.getOrDefault(audience, Set.of()));
                    }
                }
            }
            if (failingSince != 0) {
                LOG.info("Watching for live changes again after {} s", (System.nanoTime() - failingSince) / 1_000_000_000L);
                failingSince = 0;
            }
        } catch (SQLException | RuntimeException e) {
            // clients still sync when their wait runs out; say so once, not every poll
            if (failingSince == 0) {
                failingSince = System.nanoTime();
                LOG.warn("Could not watch for live changes ({}); waiting clients sync when their wait ends, and"
                        + " the watcher keeps trying", e.getMessage());
            }
        }
        wake.forEach(w -> w.complete(true));
    }
}
