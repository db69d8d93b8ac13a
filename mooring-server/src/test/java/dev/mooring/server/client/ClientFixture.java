package dev.mooring.server.client;

import dev.mooring.server.InProcessTransport;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncedTable;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.sql.DataSource;

/** A server with a notes table and SQLite clients for it: what the client tests share. */
final class ClientFixture {
    static final String SERVER_SCHEMA = """
            CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, title text, body text,
                                color text, deleted_at timestamptz);
            CREATE TABLE tags (id text PRIMARY KEY, user_id text NOT NULL, name text, deleted_at timestamptz);
            """;
    static final String CLIENT_SCHEMA = """
            CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT, body TEXT,
                                              color TEXT, deleted_at TEXT);
            CREATE TABLE IF NOT EXISTS tags (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, deleted_at TEXT)
            """;

    final DataSource ds;
    final SyncConfig config;
    final SyncService service;

    ClientFixture(DataSource ds, ConflictPolicy notesPolicy) throws SQLException {
        this.ds = ds;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(SERVER_SCHEMA);
        }
        config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(notesPolicy)
                .withManualWindow(Duration.ofHours(2)), SyncedTable.owned("tags"));
        SyncSchema.install(ds, config);
        service = SyncService.create(ds, config);
    }

    InProcessTransport transport(String user) {
        return InProcessTransport.create(service, user);
    }

    /** The real HTTP server for the same tables, on a free port; the caller closes it. */
    SyncServer httpServer() {
        return SyncServer.start(ds, config, ServerOptions.defaults().withPort(0));
    }

    /** A client of the HTTP server for {@code user}, with a new token; the caller closes it. */
    HttpTransport http(SyncServer server, String user) {
        return HttpTransport.create(server.uri(), Tokens.create(ds).issue(user, "test").token());
    }

    static SyncClient client(Path file) throws SQLException {
        return client(file, 2);
    }

    /** A client that sends up to {@code pushBatchSize} changes per push (and freezes as many rows per batch). */
    static SyncClient client(Path file, int pushBatchSize) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String ddl : CLIENT_SCHEMA.split(";")) {
                s.execute(ddl);
            }
        }
        return SyncClient.open(file, ClientConfig.of("notes", "tags").withPullPageSize(3)
                .withPushBatchSize(pushBatchSize).withRetry(RetryPolicy.none()));
    }

    static void exec(SyncClient client, String... sql) throws SQLException {
        try (Connection c = client.connection(); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    void server(String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    /** Live notes and tags as "table id: columns", sorted; the same text for a client and the server. */
    static List<String> rows(Connection c, boolean postgres) throws SQLException {
        List<String> rows = new ArrayList<>();
        TreeMap<String, String> sorted = new TreeMap<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT id" + (postgres ? "::text" : "") + ", user_id, title, body,"
                    + " color, deleted_at IS NOT NULL FROM notes")) {
                while (rs.next()) {
                    sorted.put("notes " + rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|"
                            + rs.getString(4) + "|" + rs.getString(5) + "|deleted=" + rs.getBoolean(6));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT id, user_id, name, deleted_at IS NOT NULL FROM tags")) {
                while (rs.next()) {
                    sorted.put("tags " + rs.getString(1), rs.getString(2) + "|" + rs.getString(3) + "|deleted="
                            + rs.getBoolean(4));
                }
            }
        }
        sorted.forEach((k, v) -> rows.add(k + ": " + v));
        return rows;
    }

    List<String> serverRows(String user) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return rows(c, true).stream().filter(r -> r.contains(": " + user + "|")).toList();
        }
    }

    /** The rows that are not tombstones. */
    static List<String> live(List<String> rows) {
        return rows.stream().filter(r -> !r.endsWith("deleted=true")).toList();
    }

    static List<String> clientRows(SyncClient client) throws SQLException {
        try (Connection c = client.connection()) {
            return rows(c, false);
        }
    }

    String serverScalar(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static String scalar(SyncClient client, String sql) throws SQLException {
        try (Connection c = client.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
