package dev.mooring.server.packages;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.server.InProcessTransport;
import dev.mooring.server.PackageGeneration;
import dev.mooring.server.PackageRequest;
import dev.mooring.server.Packages;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncedTable;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A sync server with two owned tables (notes, tags) and a public-read one (holidays), its packages, and SQLite
 * clients migrated to client schema version {@value #CLIENT_VERSION}: what the package tests share.
 */
final class PackageFixture {
    static final String ALICE = "alice";
    static final String BOB = "bob";
    static final String CLIENT_VERSION = "20260101000000";
    static final String SERVER_SCHEMA = """
            CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, title text, body text,
                                deleted_at timestamptz);
            CREATE TABLE tags (id text PRIMARY KEY, user_id text NOT NULL, name text, deleted_at timestamptz);
            CREATE TABLE holidays (id text PRIMARY KEY, name text, day date, deleted_at timestamptz);
            """;
    static final String CLIENT_SCHEMA = """
            CREATE TABLE notes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT, body TEXT, deleted_at TEXT);
            CREATE TABLE tags (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, deleted_at TEXT);
            CREATE TABLE holidays (id TEXT PRIMARY KEY, name TEXT, day TEXT, deleted_at TEXT);
            """;

    final DataSource ds;
    final SyncConfig config;
    final SyncService service;
    final Packages packages;
    final Path dir;

    PackageFixture(DataSource ds, Path dir) throws SQLException {
        this.ds = ds;
        this.dir = dir;
        server(SERVER_SCHEMA);
        config = SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags"), SyncedTable.publicRead("holidays"));
        SyncSchema.install(ds, config);
        service = SyncService.create(ds, config);
        packages = Packages.create(ds, config);
    }

    InProcessTransport transport(String user) {
        return InProcessTransport.create(service, user);
    }

    /** Alice's notes and tags. */
    static PackageRequest alicesNotes() {
        return PackageRequest.forUser("notes", ALICE, "notes", "tags");
    }

    PackageGeneration cut(PackageRequest request, String file) {
        return packages.cut(request, dir.resolve(file));
    }

    /** A client of {@code tables} migrated with {@code schema} at {@link #CLIENT_VERSION}. */
    SyncClient client(String name, String schema, String... tables) throws IOException {
        Path migrations = Files.createDirectories(dir.resolve(name + "-migrations"));
        Files.writeString(migrations.resolve(CLIENT_VERSION + "_create.sql"), schema);
        return SyncClient.open(dir.resolve(name + ".db"), ClientConfig.of(tables).withPullPageSize(3)
                .withRetry(RetryPolicy.none()).withMigrations(MigrationConfig.of("filesystem:" + migrations)));
    }

    /** A client of notes, tags and holidays. */
    SyncClient client(String name) throws IOException {
        return client(name, CLIENT_SCHEMA, "notes", "tags", "holidays");
    }

    /** A client of notes and tags, the tables of {@link #alicesNotes()}. */
    SyncClient notesClient(String name) throws IOException {
        return client(name, CLIENT_SCHEMA, "notes", "tags");
    }

    void server(String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    String serverScalar(String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** {@code count} notes of {@code user} titled "note i". */
    void notes(String user, int count) throws SQLException {
        server("INSERT INTO notes (id, user_id, title) SELECT gen_random_uuid(), '" + user + "', 'note ' || g"
                + " FROM generate_series(1, " + count + ") g");
    }

    static void exec(SyncClient client, String... sql) throws SQLException {
        try (Connection c = client.connection(); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    static String scalar(SyncClient client, String sql) throws SQLException {
        try (Connection c = client.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Every row of the client's application tables and its bookkeeping, as text: to show nothing changed. */
    static List<String> everything(SyncClient client) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = client.connection(); Statement s = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                TreeMap<String, String> sorted = new TreeMap<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int n = rs.getMetaData().getColumnCount();
                    int i = 0;
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(table).append(':');
                        for (int col = 1; col <= n; col++) {
                            row.append(rs.getString(col)).append('|');
                        }
                        sorted.put(row + "#" + i++, row.toString());
                    }
                }
                rows.addAll(sorted.values());
            }
        }
        return rows;
    }
}
