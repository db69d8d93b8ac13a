package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.sync.client.SyncStep;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * One simulated device: a user's SQLite client in its own file, the app's writes to it, and the transport it syncs
 * through. Each write goes through plain SQL as an app's would and is entered in the {@link WriteLedger} with the
 * time its capture stamped. Its syncs may crash it ({@link #sync(Random, boolean)}). Not thread-safe.
 */
final class SimulatedDevice {
    /**
     * The app's tables on the device.
     *
     * @param ddl     the statements that create them, separated by {@code ;}
     * @param columns each table's columns besides {@code id} and {@code deleted_at}
     */
    record Tables(String ddl, Map<String, List<String>> columns) {
    }

    final String user;
    final String name;
    final Path file;
    final ClientConfig config;
    final String token;
    final long joinsAt;
    private final RowHistory history;
    private final Tables tables;
    /** Listeners the device's client has from its start, again after each crash; they hear steps before a crash. */
    private final List<SyncListener> listeners = new ArrayList<>();
    SyncClient client;
    LossyTransport transport;
    /** The app's own connection, kept open as an app keeps one. */
    private Connection app;
    int offlineFor;
    long clockOffsetMs;
    private long outboxSeen;
    int syncs;
    int crashes;
    int failedSyncs;

    SimulatedDevice(String user, String name, Path file, Tables tables, ClientConfig config, String token,
                    long joinsAt, RowHistory history) throws SQLException {
        this.history = history;
        this.tables = tables;
        this.user = user;
        this.name = name;
        this.file = file;
        this.config = config;
        this.token = token;
        this.joinsAt = joinsAt;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String ddl : tables.ddl().split(";")) {
                s.execute(ddl);
            }
        }
        start();
    }

    private void start() throws SQLException {
        client = SyncClient.open(file, config);
        listeners.forEach(client::addListener);
        app = client.connection();
        try (Statement s = app.createStatement()) {
            s.execute("PRAGMA synchronous = NORMAL"); // WAL, as the client sets for itself: commits need no fsync
        }
    }

    String node() {
        return client.nodeId();
    }

    /** Adds a listener to the client, now and after every crash. */
    void listen(SyncListener listener) {
        listeners.add(listener);
        client.addListener(listener);
    }

    /** The app's own connection to the device's database. */
    Connection app() {
        return app;
    }

    /**
     * One sync; {@code crash} makes the device die right after a random step of it (if the sync gets there) and start
     * again from its file. Returns the report, or {@code null} when the device crashed or the sync failed after its
     * retries; counts syncs, crashes and failures.
     */
    SyncReport sync(Random random, boolean crash) throws SQLException {
        SyncStep at = SyncStep.values()[random.nextInt(SyncStep.values().length)];
        int occurrence = 1 + random.nextInt(2);
        SyncListener crasher = new SyncListener() {
            int seen;

            @Override
            public void stepCompleted(SyncStep step) {
                if (crash && step == at && ++seen == occurrence) {
                    throw new SimulatedCrash(step);
                }
            }
        };
        client.addListener(crasher);
        syncs++;
        try {
            return client.sync(transport);
        } catch (SimulatedCrash e) {
            crashes++;
            history.device(node(), this + " crashed after " + at + " and restarts from its file");
            restart();
            return null;
        } catch (MooringException e) {
            if (e.code() != ErrorCode.SYNC_UNAVAILABLE) {
                throw e;
            }
            failedSyncs++;
            history.device(node(), this + "'s sync failed: " + e.getMessage());
            return null;
        } finally {
            client.removeListener(crasher);
        }
    }

    /**
     * Every device syncs with {@code sync} (a {@code null} report: it failed), round after round, until a round moves
     * nothing: no device pulls or pushes a change (at least twice around, since the first round's later pushes reach
     * the earlier devices in the second). Answers are not lost meanwhile. Returns what went wrong, {@code null} if
     * nothing did.
     */
    static String quiesce(List<SimulatedDevice> devices, OneSync sync) throws SQLException {
        devices.forEach(d -> d.transport.lossRate(0));
        for (int round = 1; round <= 10; round++) {
            boolean moved = false;
            for (SimulatedDevice device : devices) {
                SyncReport report = sync.run(device);
                if (report == null) {
                    return device + " failed to sync while quiescing";
                }
                moved |= report.pulled() > 0 || report.pushed() > 0;
            }
            if (!moved && round >= 2) {
                return null;
            }
        }
        return "the devices were still moving changes after 10 rounds of syncs";
    }

    /**
     * Every row of the app's tables on the device, tombstones included, as "table\0id" to its columns (with
     * {@code deleted_at}), each a JSON string or null.
     */
    Map<String, Map<String, JsonNode>> rows() throws SQLException {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        try (Statement s = app.createStatement()) {
            for (Map.Entry<String, List<String>> table : tables.columns().entrySet()) {
                List<String> columns = new ArrayList<>(table.getValue());
                columns.add(ExpectedServer.TOMBSTONE);
                try (ResultSet rs = s.executeQuery("SELECT id, " + String.join(", ", columns) + " FROM \""
                        + table.getKey() + "\"")) {
                    while (rs.next()) {
                        Map<String, JsonNode> values = new LinkedHashMap<>();
                        for (int i = 0; i < columns.size(); i++) {
                            values.put(columns.get(i), json(rs.getString(i + 2)));
                        }
                        rows.put(table.getKey() + '\u0000' + rs.getString(1), values);
                    }
                }
            }
        }
        return rows;
    }

    /** The device crashed: its process is gone; it starts again from its database file. */
    void restart() throws SQLException {
        close();
        start();
    }

    /** Closes the app's connection and the client (not the transport, which outlives a crash). */
    void close() throws SQLException {
        app.close();
        client.close();
    }

    /** The sum of a count over the devices. */
    static int sum(List<SimulatedDevice> devices, java.util.function.ToIntFunction<SimulatedDevice> count) {
        return devices.stream().mapToInt(count).sum();
    }

    /** Closes every device and its transport. */
    static void closeAll(List<SimulatedDevice> devices) throws SQLException {
        for (SimulatedDevice device : devices) {
            device.transport.close();
            device.close();
        }
    }

    /** Skews the device's clock: its writes and clock merges read the wall clock plus {@code offsetMs}. */
    void skewClock(long offsetMs) throws SQLException {
        clockOffsetMs = offsetMs;
        try (PreparedStatement ps = app.prepareStatement("UPDATE sync_state SET clock_offset_ms = ?")) {
            ps.setLong(1, offsetMs);
            ps.executeUpdate();
        }
    }

    /** The ids of live rows of {@code table} on this device, sorted. */
    List<String> liveRows(String table) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Statement s = app.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM \"" + table + "\" WHERE deleted_at IS NULL ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** The app inserts a row with these columns (besides {@code id}); the ones not given stay null. */
    void insert(String table, String id, Map<String, String> columns, WriteLedger ledger) throws SQLException {
        List<String> names = new ArrayList<>(columns.keySet());
        Map<String, JsonNode> row = new LinkedHashMap<>();
        for (String column : tables.columns().get(table)) {
            row.put(column, json(columns.get(column)));
        }
        row.put(ExpectedServer.TOMBSTONE, NullNode.getInstance());
        execute("INSERT INTO \"" + table + "\" (id, " + String.join(", ", names) + ") VALUES (?"
                + ", ?".repeat(names.size()) + ")", id, names.stream().map(columns::get).toList());
        enter(ledger, table, id, "insert", row);
    }

    /** The app sets some columns of a row; a write that changes no value is no write (the capture ignores it). */
    void update(String table, String id, Map<String, String> columns, WriteLedger ledger) throws SQLException {
        Map<String, JsonNode> changed = new LinkedHashMap<>();
        try (PreparedStatement ps = app.prepareStatement("SELECT " + String.join(", ", columns.keySet()) + " FROM \""
                + table + "\" WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int i = 1;
                for (Map.Entry<String, String> column : columns.entrySet()) {
                    if (!java.util.Objects.equals(rs.getString(i++), column.getValue())) {
                        changed.put(column.getKey(), json(column.getValue()));
                    }
                }
            }
        }
        List<String> names = new ArrayList<>(columns.keySet());
        List<String> values = new ArrayList<>(names.stream().map(columns::get).toList());
        execute("UPDATE \"" + table + "\" SET " + String.join(" = ?, ", names) + " = ? WHERE id = ?", null, values, id);
        if (!changed.isEmpty()) {
            enter(ledger, table, id, "update", changed);
        } else {
            expectNoCapture();
        }
    }

    /** The app deletes a row (the client keeps it as a tombstone). */
    void delete(String table, String id, WriteLedger ledger) throws SQLException {
        execute("DELETE FROM \"" + table + "\" WHERE id = ?", null, List.of(), id);
        enter(ledger, table, id, "delete", Map.of());
    }

    private void execute(String sql, String first, List<String> values, String... last) throws SQLException {
        try (PreparedStatement ps = app.prepareStatement(sql)) {
            int i = 1;
            if (first != null) {
                ps.setString(i++, first);
            }
            for (String value : values) {
                ps.setString(i++, value);
            }
            for (String value : last) {
                ps.setString(i++, value);
            }
            ps.executeUpdate();
        }
    }

    /** Finds the outbox entry the write's capture made and enters the write with its time and basis. */
    private void enter(WriteLedger ledger, String table, String id, String op, Map<String, JsonNode> values)
            throws SQLException {
        List<String[]> captured = newEntries();
        if (captured.size() != 1 || !captured.get(0)[0].equals(op) || !captured.get(0)[1].equals(id)) {
            throw new AssertionError(name + ": an app " + op + " of " + table + " " + id + " was captured as "
                    + captured.stream().map(List::of).toList());
        }
        String cursor;
        try (Statement s = app.createStatement(); ResultSet rs = s.executeQuery("SELECT cursor FROM sync_state")) {
            rs.next();
            cursor = rs.getString(1);
        }
        WriteLedger.Write write = new WriteLedger.Write(node(), table, id, op, values, Hlc.parse(captured.get(0)[2]),
                cursor == null ? "" : cursor);
        ledger.record(write);
        history.record(node(), id, "app write on " + name + ": " + op + " " + values + " @" + write.hlc() + " basis "
                + write.basis());
    }

    private void expectNoCapture() throws SQLException {
        List<String[]> captured = newEntries();
        if (!captured.isEmpty()) {
            throw new AssertionError(name + ": an update that changed nothing was captured as "
                    + captured.stream().map(List::of).toList());
        }
    }

    /**
     * Outbox entries (operation, id, time) the app's writes added since the last look; batches the syncs prepared
     * are not among them.
     */
    private List<String[]> newEntries() throws SQLException {
        List<String[]> fresh = new ArrayList<>();
        try (PreparedStatement ps = app.prepareStatement("SELECT seq, state, operation, record_id, hlc FROM sync_queue"
                + " WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, outboxSeen);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    outboxSeen = rs.getLong(1);
                    if (rs.getString(2).equals("pending")) {
                        fresh.add(new String[] {rs.getString(3), rs.getString(4), rs.getString(5)});
                    }
                }
            }
        }
        return fresh;
    }

    /** How a simulation syncs a device: the report, or {@code null} when the sync failed. */
    @FunctionalInterface
    interface OneSync {
        SyncReport run(SimulatedDevice device) throws SQLException;
    }

    /** A device dying right after a step of its sync. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(SyncStep step) {
            super("simulated crash after " + step);
        }
    }

    static JsonNode json(String value) {
        return value == null ? NullNode.getInstance() : TextNode.valueOf(value);
    }

    @Override
    public String toString() {
        return name;
    }
}
