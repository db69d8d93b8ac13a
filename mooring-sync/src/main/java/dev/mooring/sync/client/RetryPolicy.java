package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a sync retries a call that failed in a way that may pass (server down, time-out, 5xx): exponential backoff
 * with full jitter — attempt {@code n} waits a random time up to {@code min(maxDelay, initialDelay × 2^(n-1))}, so
 * a thousand clients cut off by the same outage do not come back in step. Immutable.
 *
 * @param maxAttempts  tries per call including the first, 1 or more; after the last the sync stops with
 *                     {@code SYNC_UNAVAILABLE} and the next sync resumes where it stopped
 * @param initialDelay the cap of the first wait
 * @param maxDelay     the largest cap
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    /** Checks the settings. */
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new MooringException(ErrorCode.CONFIGURATION, "maxAttempts must be 1 or more, was " + maxAttempts);
        }
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new MooringException(ErrorCode.CONFIGURATION, "retry delays must satisfy 0 <= initialDelay <= maxDelay,"
                    + " were " + initialDelay + " and " + maxDelay);
        }
    }

    /** Six attempts, waits capped at 0.5 s, 1 s, 2 s, 4 s, 8 s (about 15 s at most in all). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** No retries: one attempt per call. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failed attempts (1 or more). */
    public Duration delayAfter(int attempt, RandomGenerator random) {
        long cap = initialDelay.toMillis() << Math.min(attempt - 1, 30);
        cap = cap < 0 ? maxDelay.toMillis() : Math.min(cap, maxDelay.toMillis());
        return Duration.ofMillis(cap == 0 ? 0 : random.nextLong(cap + 1));
    }
}
