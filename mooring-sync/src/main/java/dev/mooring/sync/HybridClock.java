package dev.mooring.sync;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): issues {@link Hlc} timestamps that
 * stay close to the wall clock yet respect causality. Every timestamp a clock issues is strictly greater than the
 * one before, even when the wall clock goes backwards, and a timestamp issued after {@link #receive} of a remote
 * one is strictly greater than that remote one.
 *
 * <p>A remote timestamp more than {@link #maxForwardSkew()} ahead of the local wall clock is clamped to
 * {@code wall + maxForwardSkew} before it is merged, so one node with a wrong clock cannot drag every clock it
 * talks to into the future; the {@link Receipt} says so, and by how much the remote was ahead.
 *
 * <p>When the counter would pass {@link Hlc#MAX_COUNTER} the clock moves its physical time one millisecond ahead
 * instead and starts the counter again at 0.
 *
 * <p>Thread-safe: all methods synchronize on the clock.
 */
public final class HybridClock {
    /** The forward skew {@link #system} tolerates in remote timestamps: 5 minutes. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(5);

    private final String nodeId;
    private final LongSupplier wallClockMs;
    private final Duration maxForwardSkew;
    private final long maxForwardSkewMs;
    private Hlc last; // guarded by this

    private HybridClock(String nodeId, LongSupplier wallClockMs, Duration maxForwardSkew) {
        this.nodeId = nodeId;
        this.wallClockMs = wallClockMs;
        this.maxForwardSkew = maxForwardSkew;
        this.maxForwardSkewMs = maxForwardSkew.toMillis();
        this.last = new Hlc(0, 0, nodeId); // validates the node id
    }

    /** A clock for this node on {@link System#currentTimeMillis()} that tolerates {@link #DEFAULT_MAX_SKEW}. */
    public static HybridClock system(String nodeId) {
        return create(nodeId, System::currentTimeMillis, DEFAULT_MAX_SKEW);
    }

    /**
     * A clock for this node on the given wall clock.
     *
     * @param nodeId         the id stamped on every timestamp; the characters {@link Hlc} allows
     * @param wallClockMs    milliseconds since the epoch; may go backwards, must be between 0 and
     *                       {@link Hlc#MAX_PHYSICAL_MS}
     * @param maxForwardSkew how far ahead of the wall clock a remote timestamp may be before it is clamped;
     *                       at least one millisecond
     * @throws IllegalArgumentException when the node id or the skew is out of range
     */
    public static HybridClock create(String nodeId, LongSupplier wallClockMs, Duration maxForwardSkew) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(wallClockMs, "wallClockMs");
        Objects.requireNonNull(maxForwardSkew, "maxForwardSkew");
        if (maxForwardSkew.toMillis() <= 0) {
            throw new IllegalArgumentException("maxForwardSkew must be at least 1 ms, but was " + maxForwardSkew + ".");
        }
        return new HybridClock(nodeId, wallClockMs, maxForwardSkew);
    }

    /** Issues the timestamp of a local event or of a send: greater than every timestamp this clock issued before. */
    public synchronized Hlc now() {
        long wall = wallClockMs.getAsLong();
        long physical = Math.max(last.physicalMs(), wall);
        long counter = physical == last.physicalMs() ? last.counter() + 1L : 0;
        return issue(physical, counter);
    }

    /**
     * Merges a timestamp received from another node and issues the local timestamp of the receipt, which is greater
     * than every timestamp this clock issued before and than the (possibly clamped) remote one.
     */
    public synchronized Receipt receive(Hlc remote) {
        Objects.requireNonNull(remote, "remote");
        long wall = wallClockMs.getAsLong();
        long limit = wall + maxForwardSkewMs;
        boolean clamped = remote.physicalMs() > limit;
        // Keeping the remote counter keeps the clamped remote a well-formed point the local clock can pass.
        Hlc effective = clamped ? new Hlc(limit, remote.counter(), remote.nodeId()) : remote;

        long local = last.physicalMs();
        long theirs = effective.physicalMs();
        long physical = Math.max(Math.max(local, theirs), wall);
        long counter;
        if (physical == local && physical == theirs) {
            counter = Math.max(last.counter(), effective.counter()) + 1L;
        } else if (physical == local) {
            counter = last.counter() + 1L;
        } else if (physical == theirs) {
            counter = effective.counter() + 1L;
        } else {
            counter = 0;
        }
        return new Receipt(issue(physical, counter), effective, remote.physicalMs() - wall, clamped);
    }

    /** The last timestamp issued, without advancing; {@code 0-0-nodeId} before the first. */
    public synchronized Hlc peek() {
        return last;
    }

    /** The id stamped on every timestamp this clock issues. */
    public String nodeId() {
        return nodeId;
    }

    /** How far ahead of the wall clock a remote timestamp may be before {@link #receive} clamps it. */
    public Duration maxForwardSkew() {
        return maxForwardSkew;
    }

    @Override
    public String toString() {
        return "HybridClock[nodeId=" + nodeId + ", maxForwardSkew=" + maxForwardSkew + "]";
    }

    private Hlc issue(long physical, long counter) {
        // Running out of counter borrows a millisecond from the future rather than breaking monotonicity.
        last = counter > Hlc.MAX_COUNTER ? new Hlc(physical + 1, 0, nodeId) : new Hlc(physical, (int) counter, nodeId);
        return last;
    }

    /**
     * What {@link #receive} did with a remote timestamp.
     *
     * @param local           the clock's new value, greater than its previous value and than {@code effectiveRemote}
     * @param effectiveRemote the remote timestamp as merged: clamped to {@code wall + maxForwardSkew} if it was
     *                        further ahead, with the remote's counter and node id
     * @param skewMs          how far the remote physical time was ahead of the local wall clock; negative if behind
     * @param clamped         whether the remote was too far ahead and was clamped
     */
    public record Receipt(Hlc local, Hlc effectiveRemote, long skewMs, boolean clamped) {
        /** Checks that both timestamps are present. */
        public Receipt {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(effectiveRemote, "effectiveRemote");
        }
    }
}
