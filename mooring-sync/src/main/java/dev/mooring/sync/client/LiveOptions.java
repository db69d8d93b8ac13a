package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SyncClient#startLive} keeps a client in sync. Immutable; {@code withX} returns a copy.
 *
 * @param serverWait how long each wait at the server lasts before it is renewed, 1 to 25 seconds; a shorter one
 *                  finds a dead connection sooner, a longer one costs fewer requests
 * @param debounce  how long local edits must pause before they are pushed (a burst of writes goes in one push),
 *                  0 to 10 seconds; edits are pushed at the latest ten times this after the first of them
 * @param reconnect how long to wait before syncing again after a failure: full jitter, growing from its initial
 *                  cap to its largest ({@link RetryPolicy#delayAfter}); its attempt count is not used, live sync
 *                  keeps trying until stopped
 */
public record LiveOptions(Duration serverWait, Duration debounce, RetryPolicy reconnect) {
    /** How often live sync looks for local edits while it waits for the server. */
    public static final Duration LOCAL_CHECK = Duration.ofMillis(50);

    public LiveOptions {
        Objects.requireNonNull(serverWait, "serverWait");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(reconnect, "reconnect");
        if (serverWait.compareTo(Duration.ofSeconds(1)) < 0 || serverWait.compareTo(Duration.ofSeconds(25)) > 0) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The live wait must be 1 to 25 seconds, was "
                    + serverWait.toMillis() / 1000.0 + " s.");
        }
        if (debounce.isNegative() || debounce.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The live debounce must be 0 to 10 seconds, was "
                    + debounce.toMillis() + " ms.");
        }
    }

    /** Waits of 20 s, edits pushed after a 100 ms pause, reconnects after up to 1 s, then 2 s, … up to 60 s. */
    public static LiveOptions defaults() {
        return new LiveOptions(Duration.ofSeconds(20), Duration.ofMillis(100),
                new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(60)));
    }

    public LiveOptions withServerWait(Duration value) {
        return new LiveOptions(value, debounce, reconnect);
    }

    public LiveOptions withDebounce(Duration value) {
        return new LiveOptions(serverWait, value, reconnect);
    }

    public LiveOptions withReconnect(RetryPolicy value) {
        return new LiveOptions(serverWait, debounce, value);
    }
}
