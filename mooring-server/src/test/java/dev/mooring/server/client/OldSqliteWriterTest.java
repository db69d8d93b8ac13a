package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The capture triggers run in whatever SQLite library writes the database: the app's, not necessarily the one the
 * sync client opened it with. Their clock must advance there too, so that the edit made later wins. Run by the
 * default build (the client on the bundled SQLite, the app also through 3.40.0 in another process, whose
 * {@code unixepoch('subsec')} is NULL) and by the {@code oldest-sqlite} run, where the client itself is on the oldest supported SQLite.
 */
class OldSqliteWriterTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "the app writes through {0}")
    @ValueSource(strings = {"the client's own sqlite-jdbc", "3.40.0.0"})
    void anEditMadeLaterWinsWhateverSqliteTheAppWritesWith(String writer) throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        Path d1File = dir.resolve("d1.db");
        Path d2File = dir.resolve("d2.db");
        try (SyncClient d1 = ClientFixture.client(d1File);
             SyncClient d2 = ClientFixture.client(d2File);
             InProcessTransport alice = f.transport("alice")) {
            String runsOn = System.getProperty("mooring.test.sqlite");
            if (runsOn != null) {
                try (Connection c = d1.connection()) {
                    assertThat(OldSqlite.version(c)).as("the SQLite this run is for").isEqualTo(runsOn);
                }
            }
            ClientFixture.exec(d1, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            d1.sync(alice);
            d2.sync(alice);   // d2 synced last: a clock stopped at its last sync would put d2's edits after d1's
            Thread.sleep(20);

            long before = System.currentTimeMillis();
            write(writer, d2, d2File, "UPDATE notes SET title = 'earlier edit'");
            Thread.sleep(20);
            write(writer, d1, d1File, "UPDATE notes SET title = 'later edit'");
            long after = System.currentTimeMillis();

            long d2Time = newestCaptureMs(d2);
            long d1Time = newestCaptureMs(d1);
            assertThat(d2Time).as("the time of d2's captured edit").isBetween(before, after);
            assertThat(d1Time).as("the time of d1's captured edit").isBetween(d2Time + 1, after);

            d1.sync(alice);
            d2.sync(alice);
            d1.sync(alice);
            String expected = "notes " + A + ": alice|later edit|null|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(d1)).containsExactly(expected);
            assertThat(clientRows(d2)).containsExactly(expected);
        }
    }

    private static void write(String writer, SyncClient client, Path file, String sql) throws Exception {
        if (writer.startsWith("the client")) {
            ClientFixture.exec(client, sql);
        } else {
            assertThat(OldSqlite.execute(writer, file, sql)).as("the app's SQLite")
                    .isEqualTo(writer.substring(0, writer.lastIndexOf('.')));
        }
    }

    /** The physical part (ms since 1970) of the HLC of the newest change in the outbox. */
    private static long newestCaptureMs(SyncClient client) throws Exception {
        try (Connection c = client.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT hlc FROM sync_queue ORDER BY seq DESC LIMIT 1")) {
            assertThat(rs.next()).as("a captured change").isTrue();
            return Long.parseLong(rs.getString(1).substring(0, 15));
        }
    }
}
