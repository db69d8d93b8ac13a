package dev.mooring.bench;

import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.spi.SyncTransport;

import java.util.function.Supplier;

/**
 * A transport that times the calls it passes on: how much of a sync is the server, the network and the JSON (inside
 * the transport) and how much the client's own work on SQLite (the rest). Not thread-safe; one sync at a time.
 */
final class TimedTransport implements SyncTransport {
    private final SyncTransport delegate;
    private long nanos;
    private int calls;

    TimedTransport(SyncTransport delegate) {
        this.delegate = delegate;
    }

    /** Time spent inside the transport since the last reset, in seconds. */
    double seconds() {
        return nanos / 1e9;
    }

    int calls() {
        return calls;
    }

    void reset() {
        nanos = 0;
        calls = 0;
    }

    @Override
    public HandshakeResponse handshake(Handshake handshake) {
        return timed(() -> delegate.handshake(handshake));
    }

    @Override
    public PullResponse pull(String nodeId, String cursor, int limit) {
        return timed(() -> delegate.pull(nodeId, cursor, limit));
    }

    @Override
    public PushResponse push(PushRequest request) {
        return timed(() -> delegate.push(request));
    }

    @Override
    public void close() {
        delegate.close();
    }

    private <T> T timed(Supplier<T> call) {
        long start = System.nanoTime();
        try {
            return call.get();
        } finally {
            nanos += System.nanoTime() - start;
            calls++;
        }
    }
}
