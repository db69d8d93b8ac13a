package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.internal.ClientState;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of live sync on its own thread: sync, then wait at the server ({@link SyncTransport#awaitChanges}) while
 * looking for local edits every {@link LiveOptions#LOCAL_CHECK}; sync again when the server wakes it or edits have
 * paused for the debounce; after a failure wait a jittered, growing time and sync again. Every sync is an ordinary
 * {@link SyncClient#sync}, so live sync keeps every guarantee a sync has.
 *
 * <p>Local edits show as a new outbox sequence: the capture triggers insert into {@code sync_queue}, whose
 * {@code AUTOINCREMENT} sequence only grows.
 *
 * <p>Thread-safe: {@link #stop()} may come from any thread.
 */
final class LiveSession implements Runnable {
    /** Failures after which syncing again cannot help: live sync stops and says why. */
    private static final Set<ErrorCode> FINAL = Set.of(ErrorCode.AUTHENTICATION, ErrorCode.SYNC_INCOMPATIBLE,
            ErrorCode.CONFIGURATION);

    private final SyncClient client;
    private final SyncTransport transport;
    private final LiveOptions options;
    private final SyncListener listener;
    private final String url;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile CompletableFuture<Boolean> wake;
    private LiveStatus.State state;

    LiveSession(SyncClient client, SyncTransport transport, LiveOptions options, SyncListener listener, String url) {
        this.client = client;
        this.transport = transport;
        this.options = options;
        this.listener = listener;
        this.url = url;
        this.thread = new Thread(this, "mooring-live-sync");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops after the sync in progress, if any, and waits for that. */
    void stop() {
        stopped = true;
        CompletableFuture<Boolean> w = wake;
        if (w != null) {
            w.cancel(false);
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean running() {
        return thread.isAlive() && !stopped;
    }

    @Override
    public void run() {
        try (Connection local = DriverManager.getConnection(url)) {
            loop(local);
        } catch (SQLException e) {
            report(LiveStatus.State.STOPPED, null, "could not read the client database: " + e.getMessage(),
                    ErrorCode.DATABASE);
            return;
        }
        if (state != LiveStatus.State.STOPPED) {
            report(LiveStatus.State.STOPPED, null, null, null);
        }
    }

    private void loop(Connection local) throws SQLException {
        report(LiveStatus.State.CONNECTING, null, null, null);
        int failures = 0;
        boolean syncNow = true;
        long seen = outboxSequence(local);
        while (!stopped) {
            if (syncNow) {
                long before = outboxSequence(local);
                try {
                    client.sync(transport);
                } catch (RuntimeException e) {
                    ErrorCode code = e instanceof MooringException m ? m.code() : ErrorCode.INTERNAL;
                    if (FINAL.contains(code)) {
                        report(LiveStatus.State.STOPPED, null, e.getMessage(), code);
                        stopped = true;
                        return;
                    }
                    failures++;
                    backOff(failures, e.getMessage(), code);
                    continue;
                }
                failures = 0;
                report(LiveStatus.State.LIVE, null, null, null);
                seen = outboxSequence(local);
                // edits made while it ran (a sync leaves none pending of its own) go out after the usual pause
                syncNow = seen != before && editsPending(local);
                if (syncNow) {
                    awaitPause(local);
                    continue;
                }
            }
            CompletableFuture<Boolean> waiting = wake;
            if (waiting == null) {
                waiting = transport.awaitChanges(client.nodeId(), ClientState.cursor(local), options.serverWait());
                wake = waiting;
            }
            try {
                Boolean changed = waiting.get(LiveOptions.LOCAL_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                wake = null;
                syncNow = Boolean.TRUE.equals(changed);
            } catch (TimeoutException e) {
                if (outboxSequence(local) != seen) {
                    awaitPause(local);
                    syncNow = true;
                }
            } catch (java.util.concurrent.CancellationException e) {
                wake = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            } catch (ExecutionException e) {
                wake = null;
                Throwable cause = e.getCause();
                if (cause instanceof TransportException t && FINAL.contains(t.code())) {
                    report(LiveStatus.State.STOPPED, null, t.getMessage(), t.code());
                    stopped = true;
                    return;
                }
                if (cause instanceof TransportException t && t.retryable()) {
                    failures++;
                    backOff(failures, t.getMessage(), t.code());
                    syncNow = true;
                } else {
                    // a server that cannot wait (an older one: 404): live sync polls, a wait apart
                    pause(options.serverWait());
                    syncNow = true;
                }
            }
        }
    }

    /** Waits until local edits pause for the debounce time, or at most ten times it since the first. */
    private void awaitPause(Connection local) throws SQLException {
        long debounce = options.debounce().toMillis();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(debounce * 10);
        long last = outboxSequence(local);
        while (!stopped && debounce > 0 && System.nanoTime() < deadline) {
            pause(Duration.ofMillis(debounce));
            long now = outboxSequence(local);
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    private void backOff(int failures, String error, ErrorCode code) {
        Duration delay = options.reconnect().delayAfter(failures, ThreadLocalRandom.current());
        report(LiveStatus.State.OFFLINE, Instant.now().plus(delay), error, code);
        pause(delay);
    }

    /** Sleeps in short slices, so a stop is noticed soon. */
    private void pause(Duration delay) {
        long end = System.nanoTime() + delay.toNanos();
        try {
            while (!stopped) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    private void report(LiveStatus.State next, Instant nextAttempt, String error, ErrorCode code) {
        if (next == state && next == LiveStatus.State.LIVE) {
            return; // every sync while live is not news
        }
        state = next;
        listener.liveStatusChanged(new LiveStatus(next, nextAttempt, error, code));
    }

    private static boolean editsPending(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM sync_queue WHERE state = 'pending')")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static long outboxSequence(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'sync_queue'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
