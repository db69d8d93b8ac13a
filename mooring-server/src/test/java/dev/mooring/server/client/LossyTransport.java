package dev.mooring.server.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import java.util.Random;

/**
 * A real transport whose answers are sometimes lost on the way back: the call reaches the server and takes effect,
 * then the client gets a retryable failure, as when a connection drops after the request was sent, and sends the
 * same call again. Every push and the server's answer are shown to a {@link Witness} before the answer is lost or
 * delivered, so a model of the server sees exactly what it was sent. Not thread-safe: one client at a time.
 */
final class LossyTransport implements SyncTransport {
    /** Sees every push and pull the server answered, whether the answer is then lost or not. */
    interface Witness {
        /** A push, with the wall clock just before and just after the call. */
        void pushed(PushRequest request, PushResponse response, long wallBefore, long wallAfter);

        default void pulled(String nodeId, String cursor, PullResponse response) {
        }

        /** A call begins: {@code handshake}, {@code pull} or {@code push}. */
        default void calling(String nodeId, String call) {
        }

        /** A push is about to be sent (after {@link #calling}). */
        default void pushing(PushRequest request) {
        }

        /** The answer just shown is lost on its way back. */
        default void lost(String nodeId) {
        }
    }

    private final SyncTransport real;
    private final Random random;
    private final Witness witness;
    private double lossRate;
    private int lost;

    LossyTransport(SyncTransport real, Random random, double lossRate, Witness witness) {
        this.real = real;
        this.random = random;
        this.lossRate = lossRate;
        this.witness = witness;
    }

    /** The share of answers lost from now on, 0 to 1. */
    void lossRate(double rate) {
        lossRate = rate;
    }

    /** How many answers were lost so far. */
    int lost() {
        return lost;
    }

    @Override
    public HandshakeResponse handshake(Handshake handshake) {
        witness.calling(handshake.nodeId(), "handshake");
        return deliver(handshake.nodeId(), real.handshake(handshake));
    }

    @Override
    public PullResponse pull(String nodeId, String cursor, int limit) {
        witness.calling(nodeId, "pull");
        PullResponse response = real.pull(nodeId, cursor, limit);
        witness.pulled(nodeId, cursor, response);
        return deliver(nodeId, response);
    }

    @Override
    public PushResponse push(PushRequest request) {
        witness.calling(request.nodeId(), "push");
        witness.pushing(request);
        long before = System.currentTimeMillis();
        PushResponse response = real.push(request);
        witness.pushed(request, response, before, System.currentTimeMillis());
        return deliver(request.nodeId(), response);
    }

    private <T> T deliver(String nodeId, T answer) {
        if (lossRate > 0 && random.nextDouble() < lossRate) {
            lost++;
            witness.lost(nodeId);
            throw new TransportException(ErrorCode.SYNC_UNAVAILABLE, "simulated: the server's answer was lost on the"
                    + " way back", 0, true, null);
        }
        return answer;
    }

    @Override
    public void close() {
        real.close();
    }
}
