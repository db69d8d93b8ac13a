package dev.mooring.sync.client.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.PushedChange;
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.sync.client.SyncStep;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * One sync: handshake → pull every page since the cursor (each applied with its cursor in one transaction) → push
 * the outbox in prepared batches (each answer recorded in one transaction). Every step ends with a commit, so a
 * crash anywhere resumes from the last one: a page applied twice writes the same values, a batch sent twice is
 * deduplicated by the server, and a batch prepared but never answered is sent again unchanged. While a page is
 * written the next one is already being asked for, on a helper thread ({@link PullAhead}); the transport still gets
 * one call at a time, and none after the sync returns. Not thread-safe: the client runs one at a time.
 */
public final class SyncRun {
    private final Connection c;
    private final ClientConfig config;
    private final Map<String, LocalTable> tables;
    private final SyncTransport transport;
    private final SyncListener listener;
    private final String schemaVersion;
    private long pulled;
    private long applied;
    private long removed;
    private boolean bootstrap;
    private long pushed;
    private long acknowledged;
    private long rejected;
    private final List<SyncConflict> conflicts = new ArrayList<>();
    private final List<PushedChange> answers = new ArrayList<>();

    public SyncRun(Connection c, ClientConfig config, Map<String, LocalTable> tables, SyncTransport transport,
                   SyncListener listener, String schemaVersion) {
        this.c = c;
        this.config = config;
        this.tables = tables;
        this.transport = transport;
        this.listener = listener;
        this.schemaVersion = schemaVersion;
    }

    /** Runs the whole flow and says what moved. {@code pending} is filled in by the caller. */
    @SuppressWarnings("try") // the settings are the resource's whole point: it restores them on close
    public SyncReport run() throws SQLException {
        long started = System.nanoTime();
        String node = ClientState.nodeId(c);
        HandshakeResponse hello = call(() -> transport.handshake(
                new Handshake(node, schemaVersion, Set.of("basis", "current", HandshakeResponse.PEERS),
                        config.subscription())));
        Transactions.immediate(c, () -> {
            ClientState.receive(c, hello.serverTime());
            if (hello.user() != null) {
                ClientState.setUserId(c, hello.user());
            }
            return null;
        });
        if (!hello.compatible()) {
            throw new MooringException(ErrorCode.SYNC_INCOMPATIBLE, "The sync server (schema version "
                    + hello.serverSchemaVersion() + ") does not accept this client: " + hello.message()
                    + " Nothing was changed.");
        }
        listener.stepCompleted(SyncStep.HANDSHAKE);
        try (EngineSettings settings = EngineSettings.apply(c);
             RemoteApply apply = new RemoteApply(c, tables, hello.tables())) {
            pull(node, apply);
            push(node, apply);
            conflicts.addAll(apply.conflicts());
        }
        return new SyncReport(pulled, applied, removed, bootstrap, pushed, acknowledged, rejected, conflicts, 0,
                Duration.ofNanos(System.nanoTime() - started), answers);
    }

    private void pull(String node, RemoteApply apply) throws SQLException {
        try (PullAhead ahead = new PullAhead()) {
            pull(node, apply, ahead);
        }
    }

    private void pull(String node, RemoteApply apply, PullAhead ahead) throws SQLException {
        boolean restarted = false;
        while (true) {
            String cursor = ClientState.cursor(c);
            PullResponse page;
            try {
                page = ahead.take(() -> call(() -> transport.pull(node, cursor, config.pullPageSize())));
            } catch (TransportException e) {
                if (e.code() != ErrorCode.CURSOR_EXPIRED || restarted || cursor == null) {
                    throw e;
                }
                // the server no longer keeps the history after our cursor: take a fresh copy of the rows
                restarted = true;
                Transactions.immediate(c, () -> {
                    ClientState.setCursor(c, null);
                    return null;
                });
                continue;
            }
            if (page.hasMore()) {
                // the cursor this page's commit stores: the page the next turn of the loop asks for
                ahead.request(() -> call(() -> transport.pull(node, page.nextCursor(), config.pullPageSize())));
            }
            PageApplied done = Transactions.immediate(c, () -> {
                ClientState.applying(c, true);
                PageApplied rows = new PageApplied(apply.applyPage(page.changes(), page.bootstrap()),
                        apply.takeRemoved());
                Hlc newest = page.serverTime();
                for (PulledChange change : page.changes()) {
                    if (change.hlc().compareTo(newest) > 0) {
                        newest = change.hlc();
                    }
                }
                ClientState.receive(c, newest);
                ClientState.setCursor(c, page.nextCursor());
                ClientState.applying(c, false);
                return rows;
            });
            pulled += page.changes().size();
            applied += done.written().values().stream().mapToLong(Set::size).sum();
            removed += done.removed().values().stream().mapToLong(Set::size).sum();
            bootstrap |= page.bootstrap();
            done.written().forEach(listener::rowsChanged);
            done.removed().forEach(listener::rowsChanged); // a UI reading these rows finds them gone
            listener.pullProgress(pulled, page.bootstrap());
            listener.stepCompleted(SyncStep.PAGE_APPLIED);
            if (!page.hasMore()) {
                break;
            }
        }
        listener.stepCompleted(SyncStep.PULLED);
    }

    /** The rows one page wrote and the rows it took off the device, by table. */
    private record PageApplied(Map<String, Set<String>> written, Map<String, Set<String>> removed) {
    }

    private void push(String node, RemoteApply apply) throws SQLException {
        // relays the server deferred (earlier changes of their origin have not reached it): sent again next sync
        Set<String> deferred = new HashSet<>();
        while (true) {
            List<RowChange> batch = Outbox.batch(c, node, config.pushBatchSize(), deferred);
            if (batch.isEmpty()) {
                int prepared = Transactions.immediate(c, () -> Outbox.prepare(c, config.pushBatchSize(), tables));
                if (prepared == 0) {
                    break;
                }
                listener.stepCompleted(SyncStep.BATCH_PREPARED);
                continue;
            }
            PushResponse response;
            try {
                response = call(() -> transport.push(new PushRequest(node, batch)));
            } catch (MooringException e) {
                Transactions.immediate(c, () -> {
                    Outbox.sendFailed(c, e.getMessage());
                    return null;
                });
                throw e;
            }
            pushed += batch.size();
            listener.stepCompleted(SyncStep.BATCH_SENT);
            Outbox.Ack ack = Transactions.immediate(c, () -> {
                ClientState.applying(c, true);
                ClientState.receive(c, response.serverTime());
                Outbox.Ack result = Outbox.acknowledge(c, node, batch, response.results(), apply);
                ClientState.applying(c, false);
                return result;
            });
            if (ack.acknowledged() + ack.rejected() + ack.deferred().size() == 0) {
                throw new MooringException(ErrorCode.INTERNAL, "The sync server answered a batch of " + batch.size()
                        + " changes without a result for any of them; stopping rather than sending it forever.");
            }
            acknowledged += ack.acknowledged();
            rejected += ack.rejected();
            answers.addAll(ack.answers());
            deferred.addAll(ack.deferred());
            ack.corrected().forEach(listener::rowsChanged);
            listener.stepCompleted(SyncStep.BATCH_ACKNOWLEDGED);
        }
        listener.stepCompleted(SyncStep.PUSHED);
    }

    /** Calls the transport, retrying transient failures with exponential backoff and full jitter. */
    private <T> T call(Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (TransportException e) {
                if (!e.retryable()) {
                    throw e;
                }
                if (attempt >= config.retry().maxAttempts()) {
                    throw new TransportException(e.code(), e.getMessage() + " Gave up after " + attempt
                            + (attempt == 1 ? " attempt" : " attempts") + "; nothing is lost: the next sync resumes"
                            + " where this one stopped.", e.status(), true, e);
                }
                sleep(config.retry().delayAfter(attempt, ThreadLocalRandom.current()));
            }
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.SYNC_UNAVAILABLE, "The sync was interrupted while waiting to retry.", e);
        }
    }

    /**
     * Asks for the next page of a pull while the current one is written, on a thread of its own: the server's work
     * and the transfer overlap the client's SQLite work. At most one request is out at a time, and only the loop's
     * own next request, so the transport still sees one call after another. Closing it interrupts a request still
     * out (the sync failed or stopped) and waits for its thread, so nothing outlives the sync.
     */
    private static final class PullAhead implements AutoCloseable {
        private ExecutorService thread;
        private Future<PullResponse> next;

        /** Sends {@code pull} now; {@link #take} returns its answer. */
        void request(Supplier<PullResponse> pull) {
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "mooring-sync-pull-ahead");
                    t.setDaemon(true);
                    return t;
                });
            }
            next = thread.submit(pull::get);
        }

        /** The answer of the request sent ahead, or, when none was, of {@code pull} run here. */
        PullResponse take(Supplier<PullResponse> pull) {
            if (next == null) {
                return pull.get();
            }
            Future<PullResponse> answer = next;
            next = null;
            try {
                return answer.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                if (e.getCause() instanceof Error) {
                    throw (Error) e.getCause();
                }
                throw new MooringException(ErrorCode.INTERNAL, "Pulling failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer.cancel(true);
                throw new MooringException(ErrorCode.SYNC_UNAVAILABLE, "The sync was interrupted while waiting for"
                        + " the server.", e);
            }
        }

        @Override
        public void close() {
            if (thread == null) {
                return;
            }
            thread.shutdownNow();
            try {
                thread.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Settings of the engine's own connection for the length of a sync, restored afterwards. Both are about the
     * cost of each write; on a bootstrap each bought a quarter or more in rows per second (ClientSyncBench):
     * <ul>
     *   <li>sqlite-jdbc's generated keys off: with them on, it follows every INSERT through a prepared statement
     *       with a {@code SELECT last_insert_rowid()} of its own, which the engine never reads (a query per pulled
     *       row and per outbox entry);</li>
     *   <li>temporary storage in memory: every write to a synced table (it has triggers) opens a statement
     *       journal, which SQLite then keeps as a plain in-memory journal rather than one ready to spill to a
     *       file. The engine keeps no temporary tables; its few sorts of the outbox stay small.</li>
     * </ul>
     */
    private static final class EngineSettings implements AutoCloseable {
        private final Connection c;
        private final SQLiteConnectionConfig sqlite;
        private final boolean keys;
        private final int tempStore;

        private EngineSettings(Connection c, SQLiteConnectionConfig sqlite, boolean keys, int tempStore) {
            this.c = c;
            this.sqlite = sqlite;
            this.keys = keys;
            this.tempStore = tempStore;
        }

        static EngineSettings apply(Connection c) throws SQLException {
            SQLiteConnectionConfig sqlite = null;
            boolean keys = false;
            try {
                if (c.isWrapperFor(SQLiteConnection.class)) {
                    sqlite = c.unwrap(SQLiteConnection.class).getConnectionConfig();
                    keys = sqlite.isGetGeneratedKeys();
                }
            } catch (LinkageError e) {
                sqlite = null; // sqlite-jdbc before 3.47 has no such setting to switch off
            }
            int tempStore;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA temp_store")) {
                tempStore = rs.next() ? rs.getInt(1) : 0;
            }
            EngineSettings settings = new EngineSettings(c, sqlite, keys, tempStore);
            settings.set(false, 2);
            return settings;
        }

        private void set(boolean generatedKeys, int store) throws SQLException {
            if (sqlite != null) {
                sqlite.setGetGeneratedKeys(generatedKeys);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA temp_store = " + store);
            }
        }

        @Override
        public void close() throws SQLException {
            set(keys, tempStore);
        }
    }
}
