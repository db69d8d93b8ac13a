package dev.mooring.bench;

import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.LiveOptions;
import dev.mooring.sync.client.LiveStatus;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A device of the live benchmark: a {@link SyncClient} on a SQLite file with the bench's {@code notes} table, linked
 * to one server over HTTP. It notes when its syncs apply the rows it was told to expect ({@link #expect}), and can
 * write a note of its own. Not thread-safe, except that its listener runs on the sync's thread.
 */
final class LiveDevice implements SyncListener, AutoCloseable {
    private static final String CLIENT_TABLE_SQL = "CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY,"
            + " user_id TEXT NOT NULL, title TEXT, deleted_at TEXT)";

    private final String user;
    private final SyncClient client;
    private final HttpTransport link;
    private final Connection writes;
    private final PreparedStatement insert;
    private final Map<String, CompletableFuture<Long>> expected = new ConcurrentHashMap<>();
    private volatile LiveStatus status;

    private LiveDevice(String user, SyncClient client, HttpTransport link, Connection writes) throws SQLException {
        this.user = user;
        this.client = client;
        this.link = link;
        this.writes = writes;
        this.insert = writes.prepareStatement("INSERT INTO notes (id, user_id, title) VALUES (?, ?, ?)");
    }

    /** A device of {@code user} on a new SQLite file {@code file}, synced once with {@code server}. */
    static LiveDevice open(Path file, String user, URI server, String token) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute(CLIENT_TABLE_SQL);
        }
        SyncClient client = SyncClient.open(file, ClientConfig.of("notes"));
        LiveDevice device = new LiveDevice(user, client, HttpTransport.create(server, token),
                DriverManager.getConnection("jdbc:sqlite:" + file));
        client.addListener(device);
        client.sync(device.link);
        return device;
    }

    /** Starts live sync and waits until its first sync is done and it waits at the server. */
    void startLive(LiveOptions options) throws InterruptedException {
        client.startLive(link, options);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (status == null || status.state() != LiveStatus.State.LIVE) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the device of " + user + " did not go live: " + status);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    /** Completes with {@link System#nanoTime()} when a sync of this device has applied row {@code id}. */
    CompletableFuture<Long> expect(String id) {
        return expected.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /** Inserts a note of its user in its database (committed when this returns). */
    void write(String id) throws SQLException {
        insert.setString(1, id);
        insert.setString(2, user);
        insert.setString(3, "written on a device");
        insert.executeUpdate();
    }

    /** An ordinary sync with its server, as an app calls it. */
    void sync() {
        client.sync(link);
    }

    String user() {
        return user;
    }

    @Override
    public void rowsChanged(String table, Set<String> ids) {
        long now = System.nanoTime();
        for (String id : ids) {
            CompletableFuture<Long> arrival = expected.remove(id);
            if (arrival != null) {
                arrival.complete(now);
            }
        }
    }

    @Override
    public void liveStatusChanged(LiveStatus next) {
        status = next;
        if (next.error() != null) {
            System.err.println("  device of " + user + ": " + next);
        }
    }

    @Override
    public void close() throws SQLException {
        try {
            client.stopLive();
            client.close();
            link.close();
        } finally {
            writes.close();
        }
    }
}
