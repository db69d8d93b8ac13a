package dev.mooring.sync;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What the server did with one pushed change. JSON: the name in lower case, e.g. {@code "conflict_queued"}. */
public enum ChangeStatus {
    /** The change was applied and is now the row's latest state for its columns. */
    APPLIED,
    /** A later change to the same columns was already applied; this one lost. */
    SUPERSEDED,
    /** The change conflicts and waits for a resolver. */
    CONFLICT_QUEUED,
    /** The change was invalid and was not applied. */
    REJECTED,
    /** The server had already received this change (same origin node and sequence number). */
    DUPLICATE,
    /**
     * A change relayed by another node (its origin is not the pushing node) arrived before earlier changes of its
     * origin: it was not applied and its sequence number is not used up. The client keeps it and sends it again
     * later, once the missing changes have reached the server (from the origin itself or another relay). Not a
     * rejection. Only relays are deferred; a node's own changes never are.
     */
    DEFERRED;

    /** The JSON form: the name in lower case. */
    @JsonValue
    public String wireName() {
        return WireForm.name(this);
    }

    /**
     * The status with this JSON name.
     *
     * @throws IllegalArgumentException naming the text and the names allowed
     */
    @JsonCreator
    public static ChangeStatus fromWireName(String text) {
        return WireForm.constant(ChangeStatus.class, text);
    }

    /** Whether a result with this status carries a reason: superseded, queued, rejected and deferred changes do. */
    public boolean hasReason() {
        return this == SUPERSEDED || this == CONFLICT_QUEUED || this == REJECTED || this == DEFERRED;
    }
}
