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
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.sync.client.SyncStep;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * One sync: handshake → pull every page since the cursor (each applied with its cursor in one transaction) → push
 * the outbox in prepared batches (each answer recorded in one transaction). Every step ends with a commit, so a
 * crash anywhere resumes from the last one: a page applied twice writes the same values, a batch sent twice is
 * deduplicated by the server, and a batch prepared but never answered is sent again unchanged. Not thread-safe:
 * the client runs one at a time.
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
    private boolean bootstrap;
    private long pushed;
    private long acknowledged;
    private long rejected;
    private final List<SyncConflict> conflicts = new ArrayList<>();

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
    public SyncReport run() throws SQLException {
        long started = System.nanoTime();
        String node = ClientState.nodeId(c);
        HandshakeResponse hello = call("handshake", () -> transport.handshake(
                new Handshake(node, schemaVersion, Set.of("basis", "current"))));
        Transactions.immediate(c, () -> {
            ClientState.receive(c, hello.serverTime());
            return null;
        });
        if (!hello.compatible()) {
            throw new MooringException(ErrorCode.SYNC_INCOMPATIBLE, "The sync server (schema version "
                    + hello.serverSchemaVersion() + ") does not accept this client: " + hello.message()
                    + " Nothing was changed.");
        }
        listener.stepCompleted(SyncStep.HANDSHAKE);
        try (RemoteApply apply = new RemoteApply(c, tables, hello.tables())) {
            pull(node, apply);
            push(node, apply);
            conflicts.addAll(apply.conflicts());
        }
        return new SyncReport(pulled, applied, bootstrap, pushed, acknowledged, rejected, conflicts, 0,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private void pull(String node, RemoteApply apply) throws SQLException {
        boolean restarted = false;
        while (true) {
            String cursor = ClientState.cursor(c);
            PullResponse page;
            try {
                page = call("pull", () -> transport.pull(node, cursor, config.pullPageSize()));
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
            Map<String, Set<String>> written = Transactions.immediate(c, () -> {
                ClientState.applying(c, true);
                Map<String, Set<String>> rows = apply.applyPage(page.changes(), page.bootstrap());
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
            applied += written.values().stream().mapToLong(Set::size).sum();
            bootstrap |= page.bootstrap();
            written.forEach(listener::rowsChanged);
            listener.pullProgress(pulled, page.bootstrap());
            listener.stepCompleted(SyncStep.PAGE_APPLIED);
            if (!page.hasMore()) {
                break;
            }
        }
        listener.stepCompleted(SyncStep.PULLED);
    }

    private void push(String node, RemoteApply apply) throws SQLException {
        while (true) {
            if (!Outbox.hasBatch(c)) {
                int prepared = Transactions.immediate(c, () -> Outbox.prepare(c, config.pushBatchSize()));
                if (prepared == 0) {
                    break;
                }
                listener.stepCompleted(SyncStep.BATCH_PREPARED);
            }
            List<RowChange> batch = Outbox.batch(c, node);
            PushResponse response;
            try {
                response = call("push", () -> transport.push(new PushRequest(node, batch)));
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
                Outbox.Ack result = Outbox.acknowledge(c, batch, response.results(), apply);
                ClientState.applying(c, false);
                return result;
            });
            if (ack.acknowledged() + ack.rejected() == 0) {
                throw new MooringException(ErrorCode.INTERNAL, "The sync server answered a batch of " + batch.size()
                        + " changes without a result for any of them; stopping rather than sending it forever.");
            }
            acknowledged += ack.acknowledged();
            rejected += ack.rejected();
            ack.corrected().forEach(listener::rowsChanged);
            listener.stepCompleted(SyncStep.BATCH_ACKNOWLEDGED);
        }
        listener.stepCompleted(SyncStep.PUSHED);
    }

    /** Calls the transport, retrying transient failures with exponential backoff and full jitter. */
    private <T> T call(String what, Supplier<T> call) {
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
}
