package dev.mooring.sync;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who a peer is, the first thing two clients tell each other: its node, its user, the schema its database is at, what
 * it can do, and the synced tables with the columns it has. Immutable.
 *
 * @param nodeId        the peer's node id
 * @param userId        the user the peer's database syncs for, as the sync server named it; {@code null} for a
 *                      database that has never synced (its user is not known yet)
 * @param schemaVersion the client schema version: the newest client migration applied ({@code "0"} for none)
 * @param capabilities  the exchange features the peer supports, sorted so the JSON is stable
 * @param tables        the synced tables and their columns ({@code id} and {@code deleted_at} included), by name
 */
public record PeerInfo(String nodeId, String userId, String schemaVersion, Set<String> capabilities,
                       Map<String, List<String>> tables) {
    /** Relayed changes: a peer keeps the changes of other nodes for the server, under their origin. */
    public static final String RELAYS = "relays";
    /** Synced rows: a peer sends the rows it has from the server, to be taken as synced state. */
    public static final String ROWS = "rows";
    /** Changes to tables and columns a peer does not have yet are kept, and applied once it migrates. */
    public static final String KEEPS_UNKNOWN = "keeps-unknown";

    /** Checks the fields and copies the collections. */
    public PeerInfo {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(schemaVersion, "schemaVersion");
        Objects.requireNonNull(capabilities, "capabilities");
        TreeSet<String> sorted = new TreeSet<>();
        for (String capability : capabilities) {
            sorted.add(Objects.requireNonNull(capability, "capabilities contains null"));
        }
        capabilities = Collections.unmodifiableSortedSet(sorted);
        Objects.requireNonNull(tables, "tables");
        TreeMap<String, List<String>> copy = new TreeMap<>();
        tables.forEach((table, columns) -> copy.put(Objects.requireNonNull(table, "tables contains a null name"),
                List.copyOf(Objects.requireNonNull(columns, "columns of " + table))));
        tables = Collections.unmodifiableMap(copy);
    }
}
