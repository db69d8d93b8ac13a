package dev.mooring.sync;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The first message a client sends: who it is, which schema it was built for, and what it can do. Immutable.
 *
 * @param nodeId        the client node
 * @param schemaVersion the schema version the client's database is at
 * @param capabilities  the protocol features the client supports, kept sorted so the JSON is stable
 */
public record Handshake(String nodeId, String schemaVersion, Set<String> capabilities) {
    /** Checks the fields and copies the capabilities. */
    public Handshake {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(capabilities, "capabilities");
        // Not contains(null): immutable sets throw on that question.
        TreeSet<String> sorted = new TreeSet<>();
        for (String capability : capabilities) {
            sorted.add(Objects.requireNonNull(capability, "capabilities contains null"));
        }
        capabilities = Collections.unmodifiableSortedSet(sorted);
    }
}
