package dev.mooring.sync;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The first message a client sends: who it is, which schema it was built for, and what it can do. Immutable.
 *
 * @param nodeId        the client node
 * @param schemaVersion the schema version the client's database is at
 * @param capabilities  the protocol features the client supports, kept sorted so the JSON is stable
 * @param subscription  what this node asks for, narrower than all its user may see: table → column → the values it
 *                      wants (e.g. {@code {"verses": {"language": ["vi", "en"]}}}); empty for everything. The server
 *                      accepts only columns a table declares ({@code subscribe-by}) and remembers it for the node.
 */
public record Handshake(String nodeId, String schemaVersion, Set<String> capabilities,
                        Map<String, Map<String, List<String>>> subscription) {
    /** Checks the fields and copies the capabilities and the subscription. */
    public Handshake {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(capabilities, "capabilities");
        TreeMap<String, Map<String, List<String>>> tables = new TreeMap<>();
        if (subscription != null) {
            subscription.forEach((table, columns) -> {
                TreeMap<String, List<String>> copy = new TreeMap<>();
                Objects.requireNonNull(columns, "subscription of " + table).forEach((column, values) ->
                        copy.put(column, List.copyOf(Objects.requireNonNull(values, "subscription values of "
                                + table + "." + column))));
                tables.put(table, Collections.unmodifiableMap(copy));
            });
        }
        subscription = Collections.unmodifiableMap(tables);
        // Not contains(null): immutable sets throw on that question.
        TreeSet<String> sorted = new TreeSet<>();
        for (String capability : capabilities) {
            sorted.add(Objects.requireNonNull(capability, "capabilities contains null"));
        }
        capabilities = Collections.unmodifiableSortedSet(sorted);
    }

    /** A handshake asking for everything its user may see. */
    public Handshake(String nodeId, String schemaVersion, Set<String> capabilities) {
        this(nodeId, schemaVersion, capabilities, Map.of());
    }
}
