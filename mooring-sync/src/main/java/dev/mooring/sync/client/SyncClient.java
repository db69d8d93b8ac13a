package dev.mooring.sync.client;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.sync.client.internal.ClientState;
import dev.mooring.sync.client.internal.LocalPackages;
import dev.mooring.sync.client.internal.LocalSchema;
import dev.mooring.sync.client.internal.LocalTable;
import dev.mooring.sync.client.internal.Outbox;
import dev.mooring.sync.client.internal.PackageImporter;
import dev.mooring.sync.client.internal.PeerExport;
import dev.mooring.sync.client.internal.PeerImporter;
import dev.mooring.sync.client.internal.PeerLink;
import dev.mooring.sync.client.internal.PeerPending;
import dev.mooring.sync.client.internal.PeerSync;
import dev.mooring.sync.client.internal.PeerToken;
import dev.mooring.sync.client.internal.SqliteVersion;
import dev.mooring.sync.client.internal.SyncLog;
import dev.mooring.sync.client.internal.SyncRun;
import dev.mooring.sync.client.internal.Transactions;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExchangeFile;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.spi.SyncTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteDataSource;

/**
 * An offline SQLite store that syncs with a Mooring server. The application reads and writes its tables with plain
 * SQL through any JDBC connection ({@link #connection()} opens one); generated triggers record every write of a
 * synced table in the outbox ({@code sync_queue}), and {@link #sync} exchanges changes with the server.
 *
 * <pre>{@code
 * try (SyncClient client = SyncClient.open(Path.of("app.db"), ClientConfig.of("events", "groups")
 *         .withMigrations(MigrationConfig.of("classpath:db/client")));
 *      SyncTransport server = HttpTransport.create(URI.create("https://sync.example.com"), token)) {
 *     try (Connection db = client.connection()) {
 *         db.createStatement().executeUpdate("UPDATE events SET title = 'Dentist' WHERE id = '…'");
 *     }
 *     SyncReport report = client.sync(server);
 * }
 * }</pre>
 *
 * <p>Rules the application lives by: a synced table has a text primary key {@code id} the app generates (a
 * lower-case uuid); {@code DELETE} keeps the row as a tombstone ({@code deleted_at} set, {@code sync_status}
 * {@code pending_delete}) and reports no rows changed, so live rows are {@code WHERE deleted_at IS NULL}; an id
 * never changes. Open the database in WAL mode (this class sets it) so the app reads while a sync writes.
 *
 * <p>Thread-safe: syncs run one at a time (a second caller waits); status questions may come from any thread.
 */
public final class SyncClient implements AutoCloseable {
    private final Path path;
    private final String url;
    private final ClientConfig config;
    private final Connection connection;
    private final Map<String, LocalTable> tables;
    private final String nodeId;
    private final ReentrantLock syncing = new ReentrantLock();
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
    private final LiveControl live = new LiveControl();

    private SyncClient(Path path, String url, ClientConfig config, Connection connection, Map<String, LocalTable> tables,
                       String nodeId) {
        this.path = path;
        this.url = url;
        this.config = config;
        this.connection = connection;
        this.tables = tables;
        this.nodeId = nodeId;
    }

    /**
     * Opens (creating if needed) the database at {@code path}, runs the client's migrations, and installs or updates
     * sync support for the configured tables. Safe to call on every start of the app.
     *
     * @throws MooringException {@code SQLITE_UNSUPPORTED} for a SQLite older than {@value SqliteVersion#OLDEST};
     *                          {@code CONFIGURATION} when a synced table is missing or has no text {@code id} key;
     *                          {@code MIGRATION_FAILED} and friends from the migrations; {@code DATABASE} otherwise
     */
    public static SyncClient open(Path path, ClientConfig config) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(config, "config");
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The folder " + parent + " for the client database does"
                    + " not exist; create it first.");
        }
        String url = "jdbc:sqlite:" + path.toAbsolutePath();
        Connection c = null;
        try {
            c = connect(url, config);
            SqliteVersion.check(c, path);
            if (config.migrations() != null) {
                SQLiteDataSource ds = new SQLiteDataSource();
                ds.setUrl(url);
                Migrator.create(ds, config.migrations()).migrate();
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                // the sync's own commits need not wait for the disk: after a crash it resumes from what was kept
                s.execute("PRAGMA synchronous = NORMAL");
            }
            Map<String, LocalTable> tables = LocalSchema.install(c, config.tables(), config.nodeId());
            // what peers at a newer schema sent for tables and columns the migrations above may just have added
            PeerPending.applyReady(c, tables);
            return new SyncClient(path, url, config, c, tables, ClientState.nodeId(c));
        } catch (SQLException e) {
            closeQuietly(c);
            throw new MooringException(ErrorCode.DATABASE, "Could not set up sync in " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /**
     * Runs one whole sync: handshake, pull, push. Transport failures that may pass are retried with backoff as the
     * configuration says; whatever was committed before a failure stays, and the next sync resumes from there.
     *
     * @throws MooringException {@code SYNC_UNAVAILABLE} when the server stayed unreachable; {@code SYNC_INCOMPATIBLE}
     *                          when it refuses this client's schema version (nothing was changed);
     *                          {@code AUTHENTICATION} for a bad token
     */
    public SyncReport sync(SyncTransport transport) {
        Objects.requireNonNull(transport, "transport");
        syncing.lock();
        try {
            long log = SyncLog.start(connection);
            SyncReport report;
            try {
                report = new SyncRun(connection, config, tables, transport, new Listeners(listeners),
                        schemaVersion()).run();
                report = report.withPending(SyncLog.status(connection).pendingChanges());
                SyncLog.finished(connection, log, report);
            } catch (RuntimeException | SQLException e) {
                try {
                    SyncLog.failed(connection, log, String.valueOf(e.getMessage()));
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            // outside the sync's own error handling: the sync succeeded whatever a listener does with its report
            new Listeners(listeners).syncFinished(report);
            return report;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Sync failed on the client database " + path + ": "
                    + e.getMessage(), e);
        } finally {
            syncing.unlock();
        }
    }

    /** Starts live sync with {@link LiveOptions#defaults()}: see {@link #startLive(SyncTransport, LiveOptions)}. */
    public void startLive(SyncTransport transport) {
        startLive(transport, LiveOptions.defaults());
    }

    /**
     * Keeps this database in sync while the server is reachable, on a thread of its own, until {@link #stopLive()}
     * or {@link #close()}: it syncs, waits at the server, and syncs again as soon as a change this user may see
     * commits there or local edits pause; after a failure it tries again after a growing random wait (see
     * {@link LiveOptions}). Each sync is an ordinary {@link #sync}, so listeners hear the same events, plus
     * {@link SyncListener#liveStatusChanged}.
     *
     * @throws MooringException {@code USAGE} when live sync is already running
     */
    public void startLive(SyncTransport transport, LiveOptions options) {
        live.start(new LiveSession(this, Objects.requireNonNull(transport, "transport"),
                Objects.requireNonNull(options, "options"), new Listeners(listeners), url), path);
    }

    /** Stops live sync, after the sync in progress if any; does nothing when it is not running. */
    public void stopLive() {
        live.stop();
    }

    /** Whether live sync is running. */
    public boolean isLive() {
        return live.running();
    }

    /** Adds a listener for rows changed by syncs, pull progress and steps. */
    public void addListener(SyncListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(SyncListener listener) {
        listeners.remove(listener);
    }

    /** Where this client stands: pending changes, last successful sync, last error. */
    public ClientStatus status() {
        return read(SyncLog::status);
    }

    /** Rows with local changes the server has not acknowledged yet (rejected ones included). */
    public long pendingCount() {
        return status().pendingChanges();
    }

    public Optional<java.time.Instant> lastSuccessfulSync() {
        return Optional.ofNullable(status().lastSuccessfulSync());
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(status().lastError());
    }

    /** The newest conflicts that touched local rows, newest first. */
    public List<SyncConflict> conflicts(int limit) {
        return read(c -> SyncLog.conflicts(c, limit));
    }

    /** The outbox: every change not yet acknowledged, in order. */
    public List<OutboxEntry> outbox() {
        return read(c -> Outbox.list(c, false));
    }

    /** Changes the server refused, with its reasons; they stay until {@link #retryRejected} or {@link #discardRejected}. */
    public List<OutboxEntry> rejected() {
        return read(c -> Outbox.list(c, true));
    }

    /** Puts a rejected change back in line, to be sent again (after the app fixed what the server objected to). */
    public boolean retryRejected(long seq) {
        return write(c -> Outbox.retry(c, seq));
    }

    /** Drops a rejected change for good; its row keeps its local values until the server sends a newer version. */
    public boolean discardRejected(long seq) {
        return write(c -> Outbox.discard(c, seq));
    }

    /**
     * Imports a data package file: checks every digest and whether it fits this database before anything is
     * written, then writes its rows as synced data in one transaction (rows with local edits not yet pushed keep
     * them), records it with a copy of the file for {@link #exportPackage}, and moves the cursor to the package's
     * watermark when that is safe and newer (see {@link ImportResult#cursorNote()} when it is not).
     *
     * @throws MooringException {@code PACKAGE_CORRUPT} for a damaged or truncated file; {@code PACKAGE_REFUSED} for a
     *                          package older than one imported before, for a newer client schema, for a table this
     *                          client does not sync or for another user; in both cases nothing changed
     */
    public ImportResult importPackage(Path file, PackageImport how) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(how, "how");
        syncing.lock();
        try {
            return PackageImporter.run(connection, path, tables, schemaVersion(), file, how);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not import package " + file + " into " + path + ": "
                    + e.getMessage() + ". Nothing was imported.", e);
        } finally {
            syncing.unlock();
        }
    }

    /**
     * Downloads package {@code id} from the server (resuming a download an earlier attempt left unfinished), checks
     * it and imports it as {@link PackageSource#DOWNLOAD}. The server serves a user only their own packages and
     * shared ones, so a package of one user's rows downloaded with this client's token counts as this client's user's.
     */
    public ImportResult downloadPackage(PackageDownloader server, String id) {
        Objects.requireNonNull(server, "server");
        if (!Objects.requireNonNull(id, "id").matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")) {
            throw new MooringException(ErrorCode.USAGE, "package id '" + id + "' is not a package id (a lower-case"
                    + " uuid); mooring package list shows them.");
        }
        Path folder = LocalPackages.folder(path);
        Path target = folder.resolve(id + ".download");
        try {
            Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not create " + folder + ": " + e.getMessage(), e);
        }
        PackageDownloader.Downloaded downloaded = server.download(id, target);
        try {
            return importPackage(downloaded.file(),
                    new PackageImport(PackageSource.DOWNLOAD, downloaded.info().user()));
        } finally {
            try {
                Files.deleteIfExists(downloaded.file()); // the import kept its own copy
            } catch (java.io.IOException e) {
                // a leftover download is harmless
            }
        }
    }

    /** The data packages imported into this database, newest first. */
    public List<LocalPackage> packages() {
        return read(c -> LocalPackages.list(c, LocalPackages.folder(path)));
    }

    /**
     * Writes the newest package of {@code type} this database imported to {@code out} (replacing a file there), for
     * another device to import: the very file that was imported, checked again first, so its manifest and watermark
     * are the server's and claim nothing about local changes made since.
     *
     * @throws MooringException {@code USAGE} when no package of that type was imported; {@code PACKAGE_CORRUPT} when
     *                          the kept copy was damaged since
     */
    public LocalPackage exportPackage(String type, Path out) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(out, "out");
        LocalPackage newest = packages().stream().filter(p -> p.type().equals(type) && p.file() != null)
                .max(java.util.Comparator.comparingLong(LocalPackage::version))
                .orElseThrow(() -> new MooringException(ErrorCode.USAGE, path + " has imported no package of type "
                        + type + "; import or download one first."));
        try {
            LocalPackages.export(newest, out);
            return newest;
        } catch (java.io.IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write package " + type + " to " + out + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Who this database is, for a peer: node id, user (known once it has synced with the server), client schema
     * version, capabilities and synced tables with their columns.
     */
    public PeerInfo peerInfo() {
        try {
            return PeerExport.info(connection, nodeId, schemaVersion(), tables);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the sync state of " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What to send a peer: every change the server has not acknowledged yet — this node's own (pending edits are
     * frozen first, numbered exactly as a push numbers them, so a change relayed by the peer and pushed by this node
     * is the same change to the server) and those it relays for other nodes — and the rows it holds as the server
     * sent them, synced after {@code since} ({@code null}: all).
     */
    public PeerChanges exportChanges(Hlc since) {
        syncing.lock();
        try {
            return PeerExport.run(connection, tables, peerInfo(), since, config.pushBatchSize());
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not export changes from " + path + ": "
                    + e.getMessage(), e);
        } finally {
            syncing.unlock();
        }
    }

    /** {@link #exportChanges(Hlc)} written as an exchange file ({@link PeerExchangeFile}) to {@code out}. */
    public PeerChanges exportChanges(Hlc since, java.io.OutputStream out) {
        Objects.requireNonNull(out, "out");
        PeerChanges changes = exportChanges(since);
        try {
            PeerExchangeFile.write(changes, out);
        } catch (java.io.IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the peer exchange: " + e.getMessage(), e);
        }
        return changes;
    }

    /**
     * Takes a peer's changes: other nodes' changes are kept in the outbox for the server (pushed by the next sync
     * under their origin, which the server deduplicates) and applied here as pulled changes would be; the peer's
     * synced rows are taken where they cannot undo anything this database has; values for tables and columns this
     * database lacks are kept and applied after a migration adds them. One transaction; importing the same changes
     * again changes nothing.
     *
     * @throws MooringException {@code PEER_REFUSED} for changes of another user's device, of this database itself, or
     *                          when either side has never synced (its user is not known); nothing changed
     */
    public PeerImportResult importChanges(PeerChanges changes) {
        Objects.requireNonNull(changes, "changes");
        syncing.lock();
        try {
            PeerImporter.Outcome outcome = PeerImporter.run(connection, tables, schemaVersion(),
                    config.peerSchemaGapLimit(), changes);
            Listeners fanout = new Listeners(listeners);
            outcome.written().forEach(fanout::rowsChanged);
            return outcome.result();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not import the changes of peer "
                    + changes.from().nodeId() + " into " + path + ": " + e.getMessage() + ". Nothing was imported.", e);
        } finally {
            syncing.unlock();
        }
    }

    /**
     * Reads an exchange file whole, checks its digest, and imports it ({@link #importChanges(PeerChanges)}).
     *
     * @throws MooringException {@code PEER_EXCHANGE_CORRUPT} for a truncated or damaged file (nothing changed), and
     *                          what {@link #importChanges(PeerChanges)} throws
     */
    public PeerImportResult importChanges(Path file) {
        return importChanges(PeerExchangeFile.read(Objects.requireNonNull(file, "file")));
    }

    /**
     * Opens this database's LAN endpoint for other devices of the same user ({@link #syncWithPeer} on them), on
     * {@code address} (port 0: a free port, see {@link PeerServer#port()}). Calls need {@code token} as a bearer token;
     * a peer of another user, or one whose user is not known yet, is refused before any change moves. Plain HTTP:
     * bind to an address only trusted devices reach. Close the server before this client.
     *
     * @param token the shared secret, at least 16 characters; it appears in no message or log
     * @throws MooringException {@code CONFIGURATION} for a short or blank token, or an address it cannot listen on
     */
    public PeerServer servePeers(java.net.InetSocketAddress address, String token) {
        Objects.requireNonNull(address, "address");
        return PeerServer.start(this, address, PeerToken.toServe(token));
    }

    /** {@link #syncWithPeer(java.net.URI, String, Hlc)} with every synced row ({@code since} null). */
    public PeerSyncResult syncWithPeer(java.net.URI peer, String token) {
        return syncWithPeer(peer, token, null);
    }

    /**
     * Exchanges changes with the device serving its LAN endpoint at {@code peer} ({@link #servePeers}), both ways:
     * after a handshake in which each side checks the other (same user, compatible), this device's changes go there
     * and are imported, then the peer's come here and are imported, each checked against its digest first. The server
     * learns of both with each device's next sync.
     *
     * @param since only synced rows after this time are sent either way, as with an export; {@code null} for all
     * @throws MooringException {@code PEER_REFUSED} (either side refused the other; nothing moved in that direction),
     *                          {@code PEER_EXCHANGE_CORRUPT}, {@code AUTHENTICATION} (wrong token),
     *                          {@code SYNC_UNAVAILABLE} (the peer cannot be reached, is busy or failed; trying again
     *                          is safe)
     */
    public PeerSyncResult syncWithPeer(java.net.URI peer, String token, Hlc since) {
        Objects.requireNonNull(peer, "peer");
        return PeerSync.run(this, peer, PeerLink.to(peer, PeerToken.toCall(token)), since);
    }

    /** Changes and rows (or parts of them) peers sent for tables and columns this database does not have yet. */
    public long keptForLater() {
        return read(PeerPending::count);
    }

    /** A new connection to the database, for the application's own reads and writes. The caller closes it. */
    public Connection connection() throws SQLException {
        return connect(url, config);
    }

    public String nodeId() {
        return nodeId;
    }

    public Path path() {
        return path;
    }

    /** The synced tables. */
    public Set<String> tables() {
        return tables.keySet();
    }

    @Override
    public void close() {
        stopLive();
        syncing.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not close " + path + ": " + e.getMessage(), e);
        } finally {
            syncing.unlock();
        }
    }

    private String schemaVersion() throws SQLException {
        MigrationConfig migrations = config.migrations();
        String table = migrations == null ? MigrationConfig.DEFAULT_TABLE : migrations.table();
        return Migrator.appliedVersion(connection, table).orElse("0");
    }

    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(SqlWork<T> work) {
        try (Connection c = connect(url, config)) {
            return work.run(c);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the sync state of " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private <T> T write(SqlWork<T> work) {
        try (Connection c = connect(url, config)) {
            return Transactions.immediate(c, () -> work.run(c));
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not change the outbox of " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private static Connection connect(String url, ClientConfig config) throws SQLException {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("busy_timeout", Long.toString(config.busyTimeout().toMillis()));
        return DriverManager.getConnection(url, props);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing; the first error is the one to report
            }
        }
    }

    /** Every registered listener as one, for the LAN endpoint. */
    SyncListener listening() {
        return new Listeners(listeners);
    }
}
