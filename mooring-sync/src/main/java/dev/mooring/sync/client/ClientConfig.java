package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link SyncClient} sets up and syncs its SQLite database. Immutable; {@code withX} returns a changed copy.
 *
 * @param tables        the synced tables, as the server names them; each has a text primary key {@code id}
 * @param migrations    the client's migrations, run on every open before sync support is installed; {@code null}
 *                      when the application migrates the database itself
 * @param nodeId        this client's node id; {@code null} to generate one on first open and keep it in the database
 * @param pullPageSize  changes per pulled page, 1 to 10,000; each page is applied in one transaction
 * @param pushBatchSize changed rows per pushed batch, 1 to 10,000
 * @param retry         how transport failures are retried
 * @param busyTimeout   how long the client waits for another connection's write lock on the database
 * @param peerSchemaGapLimit how far apart this database's client schema version and a peer's may be before a peer
 *                      import warns and recommends a full resync: versions numbered in sequence count versions,
 *                      timestamp versions count days; 0 to 1,000,000
 * @param subscription  what this device asks for when it should get less than all its user may see: table → column →
 *                      the values wanted (the server lets a table be narrowed only by the columns it declares in
 *                      {@code subscribe-by}); empty for everything. A changed subscription moves rows in and out on
 *                      the next sync.
 */
public record ClientConfig(List<String> tables, MigrationConfig migrations, String nodeId, int pullPageSize,
                           int pushBatchSize, RetryPolicy retry, Duration busyTimeout, int peerSchemaGapLimit,
                           Map<String, Map<String, List<String>>> subscription) {
    public static final int DEFAULT_PULL_PAGE = 2_000;
    public static final int DEFAULT_PUSH_BATCH = 500;
    public static final int DEFAULT_PEER_SCHEMA_GAP = 10;
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";
    private static final String NODE_ID = "[A-Za-z0-9._:-]{1,64}";

    /** Checks every setting; messages name the setting and what is allowed. */
    public ClientConfig {
        Objects.requireNonNull(tables, "tables");
        if (tables.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Name at least one synced table: ClientConfig.of(\"events\").");
        }
        for (String table : tables) {
            if (table == null || !table.matches(IDENTIFIER)) {
                throw new MooringException(ErrorCode.CONFIGURATION, "synced table '" + table + "' is not a plain table"
                        + " name: use letters, digits and underscores.");
            }
        }
        if (new LinkedHashSet<>(tables).size() != tables.size()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "synced tables " + tables + " name a table twice.");
        }
        tables = List.copyOf(tables);
        if (nodeId != null && !nodeId.matches(NODE_ID)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "node id '" + nodeId + "' must be 1 to 64 letters,"
                    + " digits or . _ : -");
        }
        checkRange("pullPageSize", pullPageSize);
        checkRange("pushBatchSize", pushBatchSize);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(busyTimeout, "busyTimeout");
        if (busyTimeout.isNegative()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "busyTimeout must not be negative, was " + busyTimeout);
        }
        if (peerSchemaGapLimit < 0 || peerSchemaGapLimit > 1_000_000) {
            throw new MooringException(ErrorCode.CONFIGURATION, "peerSchemaGapLimit must be between 0 and 1000000, was "
                    + peerSchemaGapLimit);
        }
        // the handshake checks and copies it the way the server reads it
        subscription = new dev.mooring.sync.Handshake("-", "-", java.util.Set.of(),
                Objects.requireNonNull(subscription, "subscription")).subscription();
        for (Map.Entry<String, Map<String, List<String>>> table : subscription.entrySet()) {
            if (!tables.contains(table.getKey())) {
                throw new MooringException(ErrorCode.CONFIGURATION, "the subscription names table " + table.getKey()
                        + ", which is not among the synced tables " + tables + ".");
            }
            for (Map.Entry<String, List<String>> column : table.getValue().entrySet()) {
                if (!column.getKey().matches(IDENTIFIER) || column.getValue().isEmpty()) {
                    throw new MooringException(ErrorCode.CONFIGURATION, "subscription " + table.getKey() + "."
                            + column.getKey() + " must name a column and at least one value.");
                }
            }
        }
    }

    /** As the canonical constructor, asking for everything the user may see. */
    public ClientConfig(List<String> tables, MigrationConfig migrations, String nodeId, int pullPageSize,
                        int pushBatchSize, RetryPolicy retry, Duration busyTimeout, int peerSchemaGapLimit) {
        this(tables, migrations, nodeId, pullPageSize, pushBatchSize, retry, busyTimeout, peerSchemaGapLimit, Map.of());
    }

    /** Syncs {@code tables} with the defaults: no migrations, a generated node id, default page sizes and retries. */
    public static ClientConfig of(String... tables) {
        return new ClientConfig(List.of(tables), null, null, DEFAULT_PULL_PAGE, DEFAULT_PUSH_BATCH,
                RetryPolicy.defaults(), Duration.ofSeconds(10), DEFAULT_PEER_SCHEMA_GAP);
    }

    public ClientConfig withMigrations(MigrationConfig config) {
        return new ClientConfig(tables, config, nodeId, pullPageSize, pushBatchSize, retry, busyTimeout,
                peerSchemaGapLimit, subscription);
    }

    public ClientConfig withNodeId(String id) {
        return new ClientConfig(tables, migrations, id, pullPageSize, pushBatchSize, retry, busyTimeout,
                peerSchemaGapLimit, subscription);
    }

    public ClientConfig withPullPageSize(int size) {
        return new ClientConfig(tables, migrations, nodeId, size, pushBatchSize, retry, busyTimeout,
                peerSchemaGapLimit, subscription);
    }

    public ClientConfig withPushBatchSize(int size) {
        return new ClientConfig(tables, migrations, nodeId, pullPageSize, size, retry, busyTimeout, peerSchemaGapLimit,
                subscription);
    }

    public ClientConfig withRetry(RetryPolicy policy) {
        return new ClientConfig(tables, migrations, nodeId, pullPageSize, pushBatchSize, policy, busyTimeout,
                peerSchemaGapLimit, subscription);
    }

    public ClientConfig withBusyTimeout(Duration timeout) {
        return new ClientConfig(tables, migrations, nodeId, pullPageSize, pushBatchSize, retry, timeout,
                peerSchemaGapLimit, subscription);
    }

    public ClientConfig withPeerSchemaGapLimit(int limit) {
        return new ClientConfig(tables, migrations, nodeId, pullPageSize, pushBatchSize, retry, busyTimeout, limit,
                subscription);
    }

    /** Asks for only some rows ({@link #subscription}); an empty map asks for everything again. */
    public ClientConfig withSubscription(Map<String, Map<String, List<String>>> wanted) {
        return new ClientConfig(tables, migrations, nodeId, pullPageSize, pushBatchSize, retry, busyTimeout,
                peerSchemaGapLimit, wanted);
    }

    private static void checkRange(String name, int value) {
        if (value < 1 || value > 10_000) {
            throw new MooringException(ErrorCode.CONFIGURATION, name + " must be between 1 and 10000, was " + value);
        }
    }
}
