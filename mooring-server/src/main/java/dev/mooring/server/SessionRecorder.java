package dev.mooring.server;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Records the server's sync sessions off the request path: requests queue their session and a background thread
 * writes what has queued every 200 ms as one batch, so a sync does not wait for (or pay a transaction for) its own
 * bookkeeping. {@link #flush()} writes what is queued now (before sessions or health are read); {@link #close()}
 * flushes and stops. Recording never fails a sync (see {@link SyncSessions#record}). Thread-safe.
 */
final class SessionRecorder implements AutoCloseable {
    private final DataSource dataSource;
    private final ConcurrentLinkedQueue<SyncSessions.Entry> queue = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mooring-session-recorder");
        t.setDaemon(true);
        return t;
    });

    SessionRecorder(DataSource dataSource) {
        this.dataSource = dataSource;
        writer.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
    }

    void record(String nodeId, String userId, String kind, long durationMs, int changes, int conflicts, int rejected,
                boolean ok, String error) {
        queue.add(new SyncSessions.Entry(nodeId, userId, kind, durationMs, changes, conflicts, rejected, ok, error));
    }

    /** Writes every queued session now. */
    synchronized void flush() {
        List<SyncSessions.Entry> batch = new ArrayList<>();
        for (SyncSessions.Entry e; (e = queue.poll()) != null; ) {
            batch.add(e);
        }
        if (!batch.isEmpty()) {
            SyncSessions.insert(dataSource, batch);
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        flush();
    }
}
