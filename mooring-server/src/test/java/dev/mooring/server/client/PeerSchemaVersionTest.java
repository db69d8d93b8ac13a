package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.exec;
import static dev.mooring.server.client.ClientFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.PeerImportResult;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device at an older client schema takes changes from a device at a newer one: what it has no table or column for
 * is kept, not dropped, applied when it migrates, and reaches the server all along.
 */
class PeerSchemaVersionTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";
    static final String B = "00000000-0000-0000-0000-00000000000b";
    static final String V1 = "CREATE TABLE notes (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT, body TEXT,"
            + " deleted_at TEXT);";
    static final String V2 = "ALTER TABLE notes ADD COLUMN color TEXT;\n"
            + "CREATE TABLE tags (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT, deleted_at TEXT);";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    /** A client whose migrations folder holds {@code versions} (1, or 1 and 2) of the client schema. */
    SyncClient client(String name, int versions, int gapLimit, String... tables) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve(name + "-migrations"));
        Files.writeString(migrations.resolve("001_notes.sql"), V1);
        if (versions == 2) {
            Files.writeString(migrations.resolve("002_color_and_tags.sql"), V2);
        }
        return SyncClient.open(dir.resolve(name + ".db"), ClientConfig.of(tables).withRetry(RetryPolicy.none())
                .withMigrations(MigrationConfig.of("filesystem:" + migrations)).withPeerSchemaGapLimit(gapLimit));
    }

    @Test
    void anOlderPeerKeepsWhatItCannotHoldYetAndAppliesItAfterMigrating() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) VALUES ('" + B + "', 'ann', 'on the server')");
        Path file = dir.resolve("new.bin");
        String newNode;
        try (SyncClient newer = client("new", 2, 10, "notes", "tags");
             SyncClient older = client("old", 1, 10, "notes");
             InProcessTransport ann = f.transport("ann")) {
            newNode = newer.nodeId();
            newer.sync(ann);
            older.sync(ann);
            exec(newer, "INSERT INTO notes (id, user_id, title, color) VALUES ('" + A + "', 'ann', 'new', 'red')",
                    "UPDATE notes SET color = 'blue', body = 'edited' WHERE id = '" + B + "'",
                    "INSERT INTO tags (id, user_id, name) VALUES ('tag-1', 'ann', 'urgent')");
            try (OutputStream out = Files.newOutputStream(file)) {
                newer.exportChanges(null, out);
            }

            PeerImportResult imported = older.importChanges(file);

            assertThat(imported.relaysKept()).isEqualTo(3);
            assertThat(imported.keptForLater()).isEqualTo(3); // A's color, B's color, the whole tag
            assertThat(imported.warnings()).isEmpty();
            assertThat(older.keptForLater()).isEqualTo(3);
            assertThat(scalar(older, "SELECT title FROM notes WHERE id = '" + A + "'")).isEqualTo("new");
            assertThat(scalar(older, "SELECT body FROM notes WHERE id = '" + B + "'")).isEqualTo("edited");
        }
        try (SyncClient older = client("old", 2, 10, "notes", "tags");
             InProcessTransport ann = f.transport("ann")) {
            // the migration added the column and the table; opening applied what was kept
            assertThat(older.keptForLater()).isZero();
            assertThat(scalar(older, "SELECT color FROM notes WHERE id = '" + A + "'")).isEqualTo("red");
            assertThat(scalar(older, "SELECT color || '|' || body FROM notes WHERE id = '" + B + "'"))
                    .isEqualTo("blue|edited");
            assertThat(scalar(older, "SELECT name FROM tags WHERE id = 'tag-1'")).isEqualTo("urgent");
            assertThat(older.outbox()).hasSize(3).allMatch(entry -> newNode.equals(entry.originNode()));

            older.sync(ann);

            assertThat(older.outbox()).isEmpty();
            assertThat(f.serverScalar("SELECT color FROM notes WHERE id = '" + A + "'")).isEqualTo("red");
            assertThat(f.serverScalar("SELECT color FROM notes WHERE id = '" + B + "'")).isEqualTo("blue");
            assertThat(f.serverScalar("SELECT name || ':' || user_id FROM tags")).isEqualTo("urgent:ann");
            assertThat(f.serverScalar("SELECT count(DISTINCT origin_node) || ':' || min(origin_node)"
                    + " FROM mooring.change_log WHERE source = 'sync'")).isEqualTo("1:" + newNode);
            assertThat(ClientFixture.clientRows(older)).isEqualTo(f.serverRows("ann"));
        }
    }

    @Test
    void aVersionGapAboveTheLimitWarnsAndRecommendsAFullResync() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient newer = client("new", 2, 10, "notes", "tags");
             SyncClient older = client("old", 1, 0, "notes");
             InProcessTransport ann = f.transport("ann")) {
            newer.sync(ann);
            older.sync(ann);
            exec(newer, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'new')");

            PeerImportResult imported = older.importChanges(newer.exportChanges(null));

            assertThat(imported.warnings()).singleElement().asString()
                    .contains("schema version 001", "peer at 002", "1 version apart", "limit of 0", "full resync");
            assertThat(imported.relaysKept()).isEqualTo(1); // a warning, not a refusal
        }
    }
}
