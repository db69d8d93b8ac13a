package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices sync while another writer's transaction on the server database stays open and commits late. The feed
 * delivers changes only from transactions older than every one still running, so what the devices pushed meanwhile
 * reaches the others late, after newer writes of the same rows were applied and acknowledged: a late change must
 * never undo a newer value a device holds, whoever wrote it.
 */
class LateCommitTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    /** A writer that is not a sync: its transaction holds the feed's horizon back until {@link #close}. */
    private Connection openWriter() throws Exception {
        Connection c = pg.dataSource().getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO tags (id, user_id, name) VALUES ('report', 'bob', 'a long report')");
        }
        return c;
    }

    @Test
    void anOlderEditDeliveredAfterANewerOneWasAcknowledgedDoesNotUndoIt() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient d1 = ClientFixture.client(dir.resolve("d1.db"));
             SyncClient d2 = ClientFixture.client(dir.resolve("d2.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(d1, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            d1.sync(alice);
            d2.sync(alice);
            exec(d2, "UPDATE notes SET title = 'older'");
            Thread.sleep(5);
            exec(d1, "UPDATE notes SET title = 'newer'");
            try (Connection writer = openWriter()) {
                d2.sync(alice);
                d1.sync(alice);
                writer.commit();
            }
            d1.sync(alice);
            d2.sync(alice);
            d1.sync(alice);
            String expected = "notes " + A + ": alice|newer|null|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(d2)).containsExactly(expected);
            assertThat(clientRows(d1)).containsExactly(expected);
        }
    }

    @Test
    void aRowBroughtBackWhileATransactionIsOpenKeepsTheNewerValuesOfColumnsItsDeviceNeverChanged() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title, body) VALUES ('" + A + "', 'alice', 't', 'b')");
            phone.sync(alice);
            tablet.sync(alice);
            laptop.sync(alice);
            exec(tablet, "UPDATE notes SET body = 'offline edit'");
            try (Connection writer = openWriter()) {
                exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
                phone.sync(alice);
                tablet.sync(alice);   // its edit beats the delete: the row is back
                exec(laptop, "UPDATE notes SET title = 'laptop title'");
                laptop.sync(alice);
                writer.commit();
            }
            for (int round = 0; round < 2; round++) {
                phone.sync(alice);
                tablet.sync(alice);
                laptop.sync(alice);
            }
            String expected = "notes " + A + ": alice|laptop title|offline edit|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(tablet)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void aDeleteDeliveredLateDoesNotRemoveARowAnEditBroughtBack() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            tablet.sync(alice);
            exec(tablet, "UPDATE notes SET body = 'offline edit'");
            try (Connection writer = openWriter()) {
                exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
                phone.sync(alice);
                tablet.sync(alice);   // the edit wins against the delete it has not seen
                writer.commit();
            }
            for (int round = 0; round < 2; round++) {
                tablet.sync(alice);
                phone.sync(alice);
            }
            String expected = "notes " + A + ": alice|t|offline edit|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(tablet)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
        }
    }
}
