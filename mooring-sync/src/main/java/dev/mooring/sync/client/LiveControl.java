package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import java.nio.file.Path;

/** The one live session a {@link SyncClient} may have running: starts, stops and reports it. Thread-safe. */
final class LiveControl {
    private LiveSession session; // guarded by this

    /** Starts {@code next}, or refuses when a session is running already. */
    synchronized void start(LiveSession next, Path database) {
        if (session != null && session.running()) {
            throw new MooringException(ErrorCode.USAGE, "Live sync is already running for " + database
                    + "; stop it with stopLive() before starting it again.");
        }
        session = next;
        next.start();
    }

    /** Stops the session, after its sync in progress if any; does nothing when none runs. */
    void stop() {
        LiveSession running;
        synchronized (this) {
            running = session;
            session = null;
        }
        if (running != null) {
            running.stop();
        }
    }

    synchronized boolean running() {
        return session != null && session.running();
    }
}
