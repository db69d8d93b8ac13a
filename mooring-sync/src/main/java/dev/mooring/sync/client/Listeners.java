package dev.mooring.sync.client;

import java.util.List;
import java.util.Set;

/**
 * The listeners registered on a {@link SyncClient} as one: passes every event to each, in order. Holds the client's
 * own (copy-on-write) list, so a listener added later is heard too.
 */
record Listeners(List<SyncListener> listeners) implements SyncListener {
    @Override
    public void rowsChanged(String table, Set<String> ids) {
        listeners.forEach(l -> l.rowsChanged(table, ids));
    }

    @Override
    public void pullProgress(long changesApplied, boolean bootstrap) {
        listeners.forEach(l -> l.pullProgress(changesApplied, bootstrap));
    }

    @Override
    public void stepCompleted(SyncStep step) {
        listeners.forEach(l -> l.stepCompleted(step));
    }

    @Override
    public void syncFinished(SyncReport report) {
        listeners.forEach(l -> l.syncFinished(report));
    }

    /** A status report: live sync goes on whatever a listener does with it. */
    @Override
    public void liveStatusChanged(LiveStatus status) {
        eachQuietly(l -> l.liveStatusChanged(status));
    }

    /** The answer has gone: one listener's failure does not keep the others from hearing it. */
    @Override
    public void peerRequestServed(PeerRequestServed request) {
        eachQuietly(l -> l.peerRequestServed(request));
    }

    /** Tells every listener, ignoring what one throws: for events whose sender cannot act on a failure. */
    private void eachQuietly(java.util.function.Consumer<SyncListener> event) {
        for (SyncListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // see the event's comment
            }
        }
    }
}
