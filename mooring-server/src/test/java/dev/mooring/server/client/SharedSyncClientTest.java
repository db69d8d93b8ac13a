package dev.mooring.server.client;

import dev.mooring.server.InProcessTransport;
import dev.mooring.server.SharingTest;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two users' real SQLite devices sharing an event through the real client and server: a view share arrives, a
 * view-only edit is refused and undone, an edit share lets the recipient's edit reach the owner's other device, and an
 * unshare takes the event off the recipient's device while keeping their unpushed edit as a rejected change.
 */
class SharedSyncClientTest {
    static final String CLIENT_SCHEMA = """
            CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, display_name TEXT NOT NULL DEFAULT '', deleted_at TEXT);
            CREATE TABLE events (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT NOT NULL, notes TEXT,
                                 deleted_at TEXT);
            CREATE TABLE shares (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, shared_with_user_id TEXT NOT NULL,
                                 event_id TEXT, group_id TEXT, permission TEXT NOT NULL DEFAULT 'view',
                                 accepted_at TEXT, deleted_at TEXT);
            CREATE TABLE groups (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, deleted_at TEXT)
            """;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    SyncService service;

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(SharingTest.SCHEMA);
            s.execute("INSERT INTO users VALUES ('" + SharingTest.ALICE + "', 'alice@example.com', 'Alice'), ('"
                    + SharingTest.BOB + "', 'bob@example.com', 'Bob')");
        }
        SyncConfig config = SyncConfigFile.parse(SharingTest.RULES, "rules");
        SyncSchema.install(pg.dataSource(), config);
        service = SyncService.create(pg.dataSource(), config);
    }

    SyncClient device(String name) throws SQLException {
        return device(name, java.util.Map.of());
    }

    SyncClient device(String name, java.util.Map<String, java.util.Map<String, List<String>>> subscription)
            throws SQLException {
        Path file = dir.resolve(name + ".db");
        if (!java.nio.file.Files.exists(file)) {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
                for (String ddl : CLIENT_SCHEMA.split(";")) {
                    s.execute(ddl);
                }
            }
        }
        return SyncClient.open(file, ClientConfig.of("users", "events", "shares", "groups").withPullPageSize(2)
                .withRetry(RetryPolicy.none()).withSubscription(subscription));
    }

    SyncReport sync(SyncClient device, String user) {
        return device.sync(InProcessTransport.create(service, user));
    }

    static void exec(SyncClient device, String sql) throws SQLException {
        try (Connection c = device.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String scalar(SyncClient device, String sql) throws SQLException {
        try (Connection c = device.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aShareReachesTheRecipientWhoseEditsFollowThePermissionAndAnUnshareTakesItAway() throws Exception {
        String event = UUID.randomUUID().toString();
        String share = UUID.randomUUID().toString();
        try (SyncClient alicePhone = device("alice-phone"); SyncClient aliceLaptop = device("alice-laptop");
             SyncClient bobPhone = device("bob-phone")) {
            exec(alicePhone, "INSERT INTO events (id, user_id, title) VALUES ('" + event + "', '" + SharingTest.ALICE
                    + "', 'Tet')");
            exec(alicePhone, "INSERT INTO shares (id, user_id, shared_with_user_id, event_id, accepted_at) VALUES ('"
                    + share + "', '" + SharingTest.ALICE + "', '" + SharingTest.BOB + "', '" + event
                    + "', '2026-12-06T10:00:00Z')");
            sync(alicePhone, SharingTest.ALICE);
            sync(bobPhone, SharingTest.BOB);
            assertThat(scalar(bobPhone, "SELECT title FROM events WHERE id = '" + event + "'")).isEqualTo("Tet");
            assertThat(scalar(bobPhone, "SELECT coalesce(email, 'none') || ' ' || display_name FROM users WHERE id = '"
                    + SharingTest.ALICE + "'")).isEqualTo("none Alice");

            // view only: Bob's edit is refused, his device gets the server's row back and keeps the refusal
            exec(bobPhone, "UPDATE events SET title = 'Bob was here' WHERE id = '" + event + "'");
            SyncReport refused = sync(bobPhone, SharingTest.BOB);
            assertThat(refused.rejected()).isEqualTo(1);
            assertThat(scalar(bobPhone, "SELECT title FROM events WHERE id = '" + event + "'")).isEqualTo("Tet");
            assertThat(bobPhone.rejected()).extracting(OutboxEntry::lastError)
                    .anySatisfy(reason -> assertThat(reason).contains("viewing only"));
            bobPhone.rejected().forEach(entry -> bobPhone.discardRejected(entry.seq()));

            // edit: Bob's edit reaches Alice's other device
            exec(alicePhone, "UPDATE shares SET permission = 'edit' WHERE id = '" + share + "'");
            sync(alicePhone, SharingTest.ALICE);
            exec(bobPhone, "UPDATE events SET notes = 'bring tea' WHERE id = '" + event + "'");
            assertThat(sync(bobPhone, SharingTest.BOB).rejected()).isZero();
            sync(aliceLaptop, SharingTest.ALICE);
            assertThat(scalar(aliceLaptop, "SELECT notes FROM events WHERE id = '" + event + "'")).isEqualTo("bring tea");

            // Bob edits offline, Alice unshares: the event leaves Bob's device, his edit stays as a rejected change
            exec(bobPhone, "UPDATE events SET notes = 'and cake' WHERE id = '" + event + "'");
            exec(alicePhone, "UPDATE shares SET deleted_at = '2026-12-06T12:00:00Z' WHERE id = '" + share + "'");
            sync(alicePhone, SharingTest.ALICE);
            SyncReport moved = sync(bobPhone, SharingTest.BOB);
            assertThat(moved.removed()).isGreaterThanOrEqualTo(1);
            assertThat(scalar(bobPhone, "SELECT count(*) FROM events WHERE id = '" + event + "'")).isEqualTo("0");
            List<OutboxEntry> kept = bobPhone.rejected();
            assertThat(kept).singleElement().satisfies(entry -> {
                assertThat(entry.id()).isEqualTo(event);
                assertThat(entry.lastError()).contains("no longer shared with you");
                assertThat(entry.payload()).contains("and cake");
            });
            // and the server never took the edit made after the unshare
            try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT notes FROM events WHERE id = '" + event + "'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("bring tea");
            }
        }
    }

    @Test
    void aDeviceSubscribedToSomeGroupsGetsOnlyThoseAndAChangedSubscriptionMovesRows() throws Exception {
        String family = UUID.randomUUID().toString();
        String work = UUID.randomUUID().toString();
        try (SyncClient phone = device("alice-phone")) {
            exec(phone, "INSERT INTO groups (id, user_id, name) VALUES ('" + family + "', '" + SharingTest.ALICE
                    + "', 'Family'), ('" + work + "', '" + SharingTest.ALICE + "', 'Work')");
            sync(phone, SharingTest.ALICE);
        }
        try (SyncClient watch = device("alice-watch", java.util.Map.of("groups", java.util.Map.of("id", List.of(work))))) {
            sync(watch, SharingTest.ALICE);
            assertThat(scalar(watch, "SELECT group_concat(name) FROM groups")).isEqualTo("Work");
        }
        try (SyncClient watch = device("alice-watch", java.util.Map.of("groups", java.util.Map.of("id", List.of(family))))) {
            SyncReport moved = sync(watch, SharingTest.ALICE);
            assertThat(scalar(watch, "SELECT group_concat(name) FROM groups")).isEqualTo("Family");
            assertThat(moved.removed()).isEqualTo(1);
        }
        try (SyncClient watch = device("alice-watch")) {
            sync(watch, SharingTest.ALICE);
            assertThat(scalar(watch, "SELECT count(*) FROM groups")).isEqualTo("2");
        }
    }
}
