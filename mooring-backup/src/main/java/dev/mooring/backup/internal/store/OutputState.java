package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;

/** Where a {@link StoreOutput} is in its life; one rule set for every store. */
enum OutputState {
    /** Accepting writes. */
    OPEN,
    /** Published by a successful close. */
    CLOSED,
    /** Discarded by the caller. */
    ABORTED,
    /** Discarded because the store failed; the caller was told by an exception. */
    FAILED;

    /** Whether a close() now does nothing: the caller already closed or aborted. */
    boolean finishedByCaller() {
        return this == CLOSED || this == ABORTED;
    }

    void checkOpen(String object) throws IOException {
        if (this != OPEN) {
            throw new IOException("the write of " + object + " is already " + name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A close() after a failed write must not look like success. */
    void checkNotFailed(String object) {
        if (this == FAILED) {
            throw new MooringException(ErrorCode.IO, "the write of " + object + " failed earlier and was aborted: nothing was stored");
        }
    }
}
