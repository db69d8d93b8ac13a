package dev.mooring.sync.client;

/**
 * A row of the outbox ({@code sync_queue}): a local change waiting to be pushed, a change of another node of the same
 * user this node relays for it (learned from a peer), or one the server rejected. Immutable.
 *
 * @param seq        the entry's number in the outbox
 * @param table      the table
 * @param id         the row's id
 * @param operation  {@code insert}, {@code update} or {@code delete}
 * @param payload    the changed columns as a JSON object, {@code null} for a delete
 * @param hlc        the hybrid logical time of the change
 * @param state      {@code pending} (not sent yet), {@code sending} (in a batch sent or about to be) or
 *                   {@code rejected} (the server refused it; kept until fixed or discarded)
 * @param retryCount how many times sending it failed
 * @param lastError  why it last failed, was rejected or was deferred, {@code null} if it never was
 * @param originNode the node that made a relayed change; {@code null} for this node's own changes
 */
public record OutboxEntry(long seq, String table, String id, String operation, String payload, String hlc, String state,
                         int retryCount, String lastError, String originNode) {
    /** Whether the change is another node's, relayed by this one. */
    public boolean relayed() {
        return originNode != null;
    }
}
