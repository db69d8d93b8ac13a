package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import java.time.Instant;

/**
 * Where live sync stands ({@link SyncListener#liveStatusChanged}). Immutable.
 *
 * @param state       what it is doing
 * @param nextAttempt when it syncs again, while {@link State#OFFLINE}; otherwise {@code null}
 * @param error       why it is offline or stopped, {@code null} when it is not
 * @param errorCode   the code of that failure ({@code mooring sync} exits with its exit code), {@code null} with none
 */
public record LiveStatus(State state, Instant nextAttempt, String error, ErrorCode errorCode) {
    /** The states of live sync. */
    public enum State {
        /** Syncing for the first time since it started or came back. */
        CONNECTING,
        /** In sync and waiting at the server: a change there, or an edit here, starts a sync at once. */
        LIVE,
        /** The last sync failed; it tries again at {@code nextAttempt}, with local edits kept. */
        OFFLINE,
        /** Stopped: by {@link SyncClient#stopLive}, or for good by a failure no retry can mend (a revoked token, a
         * schema the server refuses), named in {@code error}. */
        STOPPED
    }
}
