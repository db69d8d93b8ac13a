package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.ChangeFeed;
import dev.mooring.server.internal.FeedPosition;
import dev.mooring.server.internal.Handshakes;
import dev.mooring.server.internal.Nodes;
import dev.mooring.server.internal.PushApplier;
import dev.mooring.server.internal.SharedExport;
import dev.mooring.server.internal.TableCatalog;
import dev.mooring.server.internal.Transactions;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;

import com.fasterxml.jackson.core.JsonGenerator;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;

/**
 * The server side of sync as a Java API, what the HTTP layer calls: answer a node's handshake, pull a user's changes,
 * push a node's changes.
 * The caller has authenticated {@code userId}; everything here is checked against it and against the real schema.
 * Thread-safe; one instance per server.
 *
 * <pre>{@code
 * SyncSchema.install(dataSource, config);
 * SyncService sync = SyncService.create(dataSource, config);
 * PullResponse page = sync.pull("user-1", "phone-1", null, 500);      // a fresh client: bootstrap first
 * }</pre>
 */
public final class SyncService {
    public static final int MAX_PAGE = 10_000;

    private final DataSource dataSource;
    private final SyncConfig config;
    private final TableCatalog catalog;
    private final HybridClock clock;
    private final ChangeFeed feed;
    private final PushApplier applier;
    private final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();

    private SyncService(DataSource dataSource, SyncConfig config, TableCatalog catalog, HybridClock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.catalog = catalog;
        this.clock = clock;
        this.feed = new ChangeFeed(catalog);
        this.applier = new PushApplier(catalog, clock);
    }

    /**
     * A service over a database where {@link SyncSchema#install} has run with the same configuration.
     *
     * @throws MooringException {@code CONFIGURATION} naming every synced table that cannot sync
     */
    public static SyncService create(DataSource dataSource, SyncConfig config) {
        return create(dataSource, config, HybridClock.create("server", System::currentTimeMillis, config.maxClockSkew()));
    }

    /** As {@link #create(DataSource, SyncConfig)} with a given clock (tests, several servers with distinct ids). */
    public static SyncService create(DataSource dataSource, SyncConfig config, HybridClock clock) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
        try (Connection c = dataSource.getConnection()) {
            return new SyncService(dataSource, config, TableCatalog.read(c, config), clock);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the synced tables: " + e.getMessage(), e);
        }
    }

    /**
     * Answers a node's handshake: claims the node for {@code userId}, records the schema version it runs, and says
     * whether this server accepts that version. What {@code POST /v1/handshake} answers.
     *
     * @param serverVersion        the schema version the server runs, reported to the client; {@code null} when it
     *                             is not known, reported as an empty string
     * @param minimumClientVersion the oldest client schema version accepted; {@code null} accepts every version
     * @throws MooringException {@code AUTHENTICATION} when the node belongs to another user
     */
    public HandshakeResponse handshake(String userId, Handshake handshake, String serverVersion,
                                       String minimumClientVersion) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(handshake, "handshake");
        return Handshakes.answer(dataSource, catalog, userId, handshake, serverVersion == null ? "" : serverVersion,
                minimumClientVersion, clock.now(), tableRules());
    }

    /**
     * The next page of what {@code userId} may see after {@code cursor}: their own rows, public-read rows and rows shared with them. A
     * {@code null} cursor starts with a bootstrap of the current rows. Changes are delivered only once their
     * transaction is older than every running one, so a late commit is delivered late and never skipped.
     *
     * @throws MooringException {@code CURSOR_EXPIRED} when the cursor is older than the kept history (bootstrap
     *                          again); {@code USAGE} for a cursor this server did not issue or a bad limit;
     *                          {@code AUTHENTICATION} when the node belongs to another user
     */
    public PullResponse pull(String userId, String nodeId, String cursor, int limit) {
        ChangeFeed.Page page = pullPage(userId, nodeId, cursor, limit);
        return new PullResponse(page.changes().stream().map(row -> row.toPulledChange(json)).toList(),
                page.next().encode(), page.hasMore(), page.bootstrap(), clock.now());
    }

    /** {@link #pull} with the values still JSON text, for the HTTP layer to pass through without parsing. */
    ChangeFeed.Page pullPage(String userId, String nodeId, String cursor, int limit) {
        Objects.requireNonNull(userId, "userId");
        if (limit < 1 || limit > MAX_PAGE) {
            throw new MooringException(ErrorCode.USAGE, "limit must be between 1 and " + MAX_PAGE + ", was " + limit);
        }
        FeedPosition from = FeedPosition.decode(cursor);
        return Transactions.run(dataSource, "Could not read changes", c -> {
            // One snapshot for the retention check and the feed: a prune committing in between must not make the
            // feed skip what it deleted without the cursor being refused.
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            }
            if (nodeId != null) {
                Nodes.claim(c, nodeId, userId);
            }
            ChangeFeed.Page read = feed.read(c, userId, nodeId, from, limit);
            if (nodeId != null && !read.next().bootstrap()) {
                Nodes.pulledTo(c, nodeId, read.next().xid());
            }
            return read;
        });
    }

    /**
     * Applies a batch of one node's changes in one transaction and says, change by change, what became of it. A
     * change the server has already applied (same node, same or lower sequence) is reported as a duplicate and
     * applied nothing twice; a change the user may not make is rejected with the reason, and nothing else moves.
     *
     * @throws MooringException {@code AUTHENTICATION} when the node belongs to another user
     */
    public PushResponse push(String userId, PushRequest request) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(request, "request");
        return Transactions.run(dataSource, "Could not apply the pushed changes", c -> applier.apply(c, userId, request));
    }

    /**
     * Writes what is shared with {@code userId}, as one JSON object {@code {"<table>": [row, …], …}}: for each synced
     * table with a read rule, in configuration order, the live rows of other users that {@code userId} may see by the
     * sharing rules, each as a pull sends it (the declared read columns only, where the table declares some), in id
     * order. Rows {@code userId} owns (by the table's owner column) are never among them. What a user data export
     * adds to what the user owns.
     * <p>
     * Reads in {@code connection}'s current transaction, so a caller can read everything else in the same snapshot
     * (use {@code REPEATABLE READ}); with autocommit off, rows stream through a cursor instead of being held in
     * memory. The connection must reach this service's database; it is left open and the generator is not flushed.
     *
     * @return the rows written per table, in the order written
     * @throws MooringException {@code DATABASE} when reading fails, {@code IO} when writing fails
     */
    public Map<String, Long> sharedWith(Connection connection, String userId, JsonGenerator json) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(json, "json");
        try {
            return SharedExport.write(connection, catalog, userId, json);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the rows shared with user " + userId + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the rows shared with user " + userId + ": "
                    + e.getMessage(), e);
        }
    }

    /** This server's clock: every response carries its time. */
    public HybridClock clock() {
        return clock;
    }

    /** Every synced table's conflict rules by name, what a handshake tells clients. */
    public java.util.Map<String, dev.mooring.sync.TableRules> tableRules() {
        java.util.Map<String, dev.mooring.sync.TableRules> rules = new java.util.TreeMap<>();
        config.tables().forEach(t -> rules.put(t.name(), t.rules()));
        return rules;
    }

    public SyncConfig config() {
        return config;
    }

    /** The synced tables as they exist, what other server parts check names against. */
    TableCatalog catalog() {
        return catalog;
    }
}
