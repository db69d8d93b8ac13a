package dev.mooring.sync;

import java.util.Objects;

/**
 * How a synced table settles conflicts, as the server tells its clients in the {@link HandshakeResponse}: a client
 * runs {@link ConflictRules} with the same rules when a pulled change meets a local change it has not pushed yet.
 * Immutable.
 *
 * @param conflictPolicy how concurrent edits are settled
 * @param deletePolicy   how a delete meets a concurrent edit
 * @param manualWindowMs for {@link ConflictPolicy#MANUAL}: edits from two nodes this close in time conflict, in ms
 * @param pushable       whether clients may change the table (false for server-to-client and public-read tables)
 */
public record TableRules(ConflictPolicy conflictPolicy, DeletePolicy deletePolicy, long manualWindowMs,
                         boolean pushable) {
    /** The defaults: last writer wins per column, update wins over delete, a one-second window, two-way. */
    public static final TableRules DEFAULT = new TableRules(ConflictPolicy.LWW_COLUMN, DeletePolicy.UPDATE_WINS, 1000,
            true);

    /** Checks the fields. */
    public TableRules {
        Objects.requireNonNull(conflictPolicy, "conflictPolicy");
        Objects.requireNonNull(deletePolicy, "deletePolicy");
        if (manualWindowMs < 1) {
            throw new IllegalArgumentException("manualWindowMs must be 1 or more, but was " + manualWindowMs + ".");
        }
    }
}
