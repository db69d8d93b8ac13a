package dev.mooring.sync.client;

import java.util.List;
import java.util.Objects;

/**
 * What importing a peer's changes did. Immutable.
 *
 * @param fromNode      the peer that sent them
 * @param relaysKept    changes of other nodes kept in the outbox for the server (each also applied here)
 * @param alreadyKnown  changes passed over: this node's own, or ones it holds or the server acknowledged already
 * @param rowsWritten   local rows written, by relayed changes and by the peer's synced rows
 * @param rowsKeptLocal synced rows of the peer passed over because this database's version may be newer (a local
 *                      edit not yet acknowledged, a row this node pushed itself, or a peer that pulled less than this
 *                      database)
 * @param keptForLater  changes and rows (or parts of them) for tables and columns this database does not have yet,
 *                      kept and applied when a client migration adds them
 * @param warnings      what the user should know, e.g. a schema version gap that calls for a full resync
 */
public record PeerImportResult(String fromNode, long relaysKept, long alreadyKnown, long rowsWritten,
                               long rowsKeptLocal, long keptForLater, List<String> warnings) {
    public PeerImportResult {
        Objects.requireNonNull(fromNode, "fromNode");
        warnings = List.copyOf(warnings);
    }

    /** Whether the import changed nothing (the same exchange imported again, say). */
    public boolean changedNothing() {
        return relaysKept == 0 && rowsWritten == 0 && keptForLater == 0;
    }
}
