package dev.mooring.sync.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.mooring.sync.client.SqlRows.exec;
import static dev.mooring.sync.client.SqlRows.rows;

import dev.mooring.core.MooringException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoreTest {
    static final String NOTES = "CREATE TABLE notes (id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT, pinned INTEGER"
            + " NOT NULL DEFAULT 0)";

    @TempDir
    Path dir;

    SyncClient open(String... ddl) throws SQLException {
        Path db = dir.resolve("client.db");
        if (!Files.exists(db)) {
            try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
                for (String sql : ddl) {
                    s.execute(sql);
                }
            }
        }
        return SyncClient.open(db, ClientConfig.of("notes"));
    }

    @Test
    void everyLocalWriteLandsInTheOutboxWithAnHlc() throws Exception {
        try (SyncClient client = open(NOTES); Connection c = client.connection()) {
            exec(c, "INSERT INTO notes (id, title) VALUES ('a', 'first')",
                    "UPDATE notes SET body = 'text' WHERE id = 'a'",
                    "DELETE FROM notes WHERE id = 'a'");
            assertThat(rows(c, "SELECT operation, record_id, changed FROM sync_queue ORDER BY seq"))
                    .containsExactly("insert|a|null", "update|a|[\"body\"]", "delete|a|null");
            List<String> hlcs = rows(c, "SELECT hlc FROM sync_queue ORDER BY seq");
            assertThat(hlcs).allMatch(h -> h.endsWith("-" + client.nodeId()));
            assertThat(hlcs).isSorted();
            // the delete left a tombstone
            assertThat(rows(c, "SELECT sync_status, deleted_at IS NOT NULL FROM notes"))
                    .containsExactly("pending_delete|1");
            assertThat(client.pendingCount()).isEqualTo(1);
        }
    }

    @Test
    void anUpdateThatChangesNothingIsNotCaptured() throws Exception {
        try (SyncClient client = open(NOTES); Connection c = client.connection()) {
            exec(c, "INSERT INTO notes (id, title) VALUES ('a', 'first')", "UPDATE notes SET title = 'first'");
            assertThat(rows(c, "SELECT count(*) FROM sync_queue")).containsExactly("1");
        }
    }

    @Test
    void idsOfSyncedRowsCannotChange() throws Exception {
        try (SyncClient client = open(NOTES); Connection c = client.connection()) {
            exec(c, "INSERT INTO notes (id, title) VALUES ('a', 'first')");
            assertThatThrownBy(() -> exec(c, "UPDATE notes SET id = 'b'")).hasMessageContaining("cannot change");
        }
    }

    @Test
    void openingAgainIsIdempotentAndAMigrationAddingAColumnUpdatesTheCapture() throws Exception {
        try (SyncClient client = open(NOTES)) {
            assertThat(client.nodeId()).isNotBlank();
        }
        String node;
        try (SyncClient client = open(); Connection c = client.connection()) {
            node = client.nodeId();
            exec(c, "ALTER TABLE notes ADD COLUMN color TEXT");
        }
        try (SyncClient client = open(); Connection c = client.connection()) {
            assertThat(client.nodeId()).isEqualTo(node);
            exec(c, "INSERT INTO notes (id, title, color) VALUES ('a', 't', 'red')");
            assertThat(client.outbox()).singleElement().satisfies(entry ->
                    assertThat(entry.payload()).contains("\"color\":\"red\""));
            exec(c, "UPDATE notes SET color = 'blue' WHERE id = 'a'");
            assertThat(rows(c, "SELECT changed FROM sync_queue WHERE operation = 'update'"))
                    .containsExactly("[\"color\"]");
            assertThat(rows(c, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")).containsExactly("4");
        }
    }

    @Test
    void anOutboxFromTheEarlierVersionIsRebuiltWithItsEntriesAndNumbersKept() throws Exception {
        String earlier = """
                CREATE TABLE sync_queue (
                    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                    operation   TEXT    NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
                    table_name  TEXT    NOT NULL,
                    record_id   TEXT    NOT NULL,
                    payload     TEXT,
                    changed     TEXT,
                    hlc         TEXT    NOT NULL,
                    basis       TEXT,
                    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'rejected')),
                    client_seq  INTEGER UNIQUE,
                    retry_count INTEGER NOT NULL DEFAULT 0,
                    last_error  TEXT
                )""";
        String rejected = "INSERT INTO sync_queue (seq, operation, table_name, record_id, payload, hlc, state,"
                + " client_seq, last_error) VALUES (41, 'insert', 'notes', 'x', '{\"title\":\"kept\"}',"
                + " '000000000000001-00000-n', 'rejected', 7, 'too long')";
        try (SyncClient client = open(NOTES, earlier, rejected); Connection c = client.connection()) {
            assertThat(rows(c, "SELECT sql LIKE '%UNIQUE%', sql LIKE '%CHECK%' FROM sqlite_master"
                    + " WHERE name = 'sync_queue'")).containsExactly("0|0");
            assertThat(rows(c, "SELECT count(*) FROM sqlite_master WHERE name = 'sync_queue_origin_seq'"))
                    .containsExactly("1");
            assertThat(client.rejected()).singleElement().satisfies(entry -> {
                assertThat(entry.seq()).isEqualTo(41);
                assertThat(entry.payload()).isEqualTo("{\"title\":\"kept\"}");
                assertThat(entry.lastError()).isEqualTo("too long");
            });
            exec(c, "INSERT INTO notes (id, title) VALUES ('a', 'new')");
            assertThat(rows(c, "SELECT seq FROM sync_queue WHERE record_id = 'a'")).containsExactly("42");
        }
    }

    @Test
    void anOutboxFromBeforePeerExchangeGetsAnOriginColumnAndSequencesUniquePerOrigin() throws Exception {
        String beforePeers = """
                CREATE TABLE sync_queue (
                    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                    operation   TEXT    NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
                    table_name  TEXT    NOT NULL,
                    record_id   TEXT    NOT NULL,
                    payload     TEXT,
                    changed     TEXT,
                    hlc         TEXT    NOT NULL,
                    basis       TEXT,
                    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'rejected')),
                    client_seq  INTEGER,
                    retry_count INTEGER NOT NULL DEFAULT 0,
                    last_error  TEXT
                )""";
        String index = "CREATE UNIQUE INDEX sync_queue_client_seq ON sync_queue (client_seq) WHERE client_seq IS NOT NULL";
        String sending = "INSERT INTO sync_queue (seq, operation, table_name, record_id, payload, hlc, state,"
                + " client_seq) VALUES (12, 'update', 'notes', 'x', '{\"title\":\"sent\"}',"
                + " '000000000000001-00000-n', 'sending', 3)";
        try (SyncClient client = open(NOTES, beforePeers, index, sending); Connection c = client.connection()) {
            assertThat(rows(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sync_queue'"
                    + " AND sql IS NOT NULL")).containsExactly("sync_queue_origin_seq");
            assertThat(client.outbox()).singleElement().satisfies(entry -> {
                assertThat(entry.seq()).isEqualTo(12);
                assertThat(entry.state()).isEqualTo("sending");
                assertThat(entry.relayed()).isFalse();
            });
            String relay = "INSERT INTO sync_queue (operation, table_name, record_id, payload, hlc, state, client_seq,"
                    + " origin_node) VALUES ('update', 'notes', 'x', '{}', '000000000000002-00000-p', 'sending', 3, %s)";
            exec(c, relay.formatted("'peer'"));
            assertThatThrownBy(() -> exec(c, relay.formatted("'peer'"))).hasMessageContaining("UNIQUE");
            assertThatThrownBy(() -> exec(c, relay.formatted("NULL"))).hasMessageContaining("UNIQUE");
            assertThat(client.outbox()).extracting(OutboxEntry::originNode).containsExactly(null, "peer");
        }
        try (SyncClient client = open(); Connection c = client.connection()) {
            assertThat(client.outbox()).hasSize(2); // opening again changes nothing
        }
    }

    @Test
    void anOutboxWithCheckConstraintsIsRebuiltWithoutThemKeepingRelaysAndNumbers() throws Exception {
        String withChecks = """
                CREATE TABLE sync_queue (
                    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                    operation   TEXT    NOT NULL CHECK (operation IN ('insert', 'update', 'delete')),
                    table_name  TEXT    NOT NULL,
                    record_id   TEXT    NOT NULL,
                    payload     TEXT,
                    changed     TEXT,
                    hlc         TEXT    NOT NULL,
                    basis       TEXT,
                    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'rejected')),
                    client_seq  INTEGER,
                    retry_count INTEGER NOT NULL DEFAULT 0,
                    last_error  TEXT,
                    origin_node TEXT
                )""";
        String index = "CREATE UNIQUE INDEX sync_queue_origin_seq ON sync_queue (ifnull(origin_node, ''), client_seq)"
                + " WHERE client_seq IS NOT NULL";
        String relay = "INSERT INTO sync_queue (seq, operation, table_name, record_id, payload, hlc, state, client_seq,"
                + " origin_node) VALUES (30, 'update', 'notes', 'x', '{\"title\":\"from a peer\"}',"
                + " '000000000000002-00000-p', 'sending', 5, 'peer')";
        try (SyncClient client = open(NOTES, withChecks, index, relay); Connection c = client.connection()) {
            assertThat(rows(c, "SELECT sql LIKE '%CHECK%' FROM sqlite_master WHERE name = 'sync_queue'"))
                    .containsExactly("0");
            assertThat(rows(c, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sync_queue'"
                    + " AND sql IS NOT NULL")).containsExactly("sync_queue_origin_seq");
            assertThat(client.outbox()).singleElement().satisfies(entry -> {
                assertThat(entry.seq()).isEqualTo(30);
                assertThat(entry.originNode()).isEqualTo("peer");
                assertThat(entry.payload()).isEqualTo("{\"title\":\"from a peer\"}");
            });
            assertThatThrownBy(() -> exec(c, relay.replace("(30,", "(31,"))).hasMessageContaining("UNIQUE");
            exec(c, "INSERT INTO notes (id, title) VALUES ('a', 'new')");
            assertThat(rows(c, "SELECT seq FROM sync_queue WHERE record_id = 'a'")).containsExactly("31");
        }
    }

    @Test
    void rowsThatExistedBeforeSyncWasInstalledAreQueuedForUpload() throws Exception {
        try (SyncClient client = open(NOTES, "INSERT INTO notes (id, title) VALUES ('old', 'before sync')");
             Connection c = client.connection()) {
            assertThat(rows(c, "SELECT operation, record_id FROM sync_queue")).containsExactly("insert|old");
        }
    }

    @Test
    void aMissingTableOrOneWithoutATextIdIsAClearError() throws Exception {
        assertThatThrownBy(() -> open("CREATE TABLE other (x TEXT)")).isInstanceOf(MooringException.class)
                .hasMessageContaining("Synced table notes does not exist");
        Files.delete(dir.resolve("client.db"));
        assertThatThrownBy(() -> open("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT)"))
                .hasMessageContaining("primary key column named id holding text");
    }
}
