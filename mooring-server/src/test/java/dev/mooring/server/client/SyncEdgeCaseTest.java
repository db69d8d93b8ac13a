package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.mooring.server.InProcessTransport;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncMaintenance;
import dev.mooring.server.SyncedTable;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncStep;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cases the convergence simulation found, and neighbours of theirs it cannot reach (a device that must bootstrap
 * again after the server pruned its history), each cut down to the few steps that show it.
 */
class SyncEdgeCaseTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @Test
    void aDeleteMadeAfterPullingAnotherDevicesEditIsNotLostToThatEdit() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(phone, "UPDATE notes SET title = 'edited'");
            phone.sync(alice);
            // the laptop pulls the edit (its cursor now points into the edit's transaction), then deletes the row
            // knowing the edit: nothing concurrent, so the delete stands
            laptop.sync(alice);
            exec(laptop, "DELETE FROM notes WHERE id = '" + A + "'");
            laptop.sync(alice);
            phone.sync(alice);
            String expected = "notes " + A + ": alice|edited|null|null|deleted=true";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
        }
    }

    @Test
    void aLocalEditThatTwoPulledChangesOfItsRowOvertakeIsStillPushedWithTheValuesTheAppWrote() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        List<RowChange> pushed = new ArrayList<>();
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(laptop, "UPDATE notes SET body = 'the laptop''s body'");
            Thread.sleep(5); // the phone's edits are newer
            exec(phone, "UPDATE notes SET body = 'the phone''s body'");
            phone.sync(alice);
            exec(phone, "UPDATE notes SET title = 'the phone''s title'");
            phone.sync(alice);

            // one pull brings both of the phone's edits: the first wins the body here, the second must not take
            // the body it wrote for the laptop's own
            laptop.sync(new LossyTransport(alice, new Random(0), 0, (request, response, before, after) ->
                    pushed.addAll(request.changes())));

            assertThat(pushed).singleElement().satisfies(change -> assertThat(change.values())
                    .containsEntry("body", TextNode.valueOf("the laptop's body")));
            String expected = "notes " + A + ": alice|the phone's title|the phone's body|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void aRowBroughtBackByAnEditReachesADeviceThatNeverHadIt() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            tablet.sync(alice);
            exec(tablet, "UPDATE notes SET body = 'offline edit'");
            exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
            phone.sync(alice);
            laptop.sync(alice);   // a fresh device: its bootstrap brings live rows only, so not this one
            assertThat(clientRows(laptop)).isEmpty();
            tablet.sync(alice);   // the tablet's edit meets the delete and wins: the row is back
            laptop.sync(alice);
            String expected = "notes " + A + ": alice|t|offline edit|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void aRowBroughtBackByAnEditHasTheServersValuesOnTheDeviceThatDeletedIt() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            tablet.sync(alice);
            exec(tablet, "UPDATE notes SET body = 'offline edit'");
            // the phone's title edit and its delete go out as one delete: the title never reaches the server
            exec(phone, "UPDATE notes SET title = 'never sent'", "DELETE FROM notes WHERE id = '" + A + "'");
            phone.sync(alice);
            tablet.sync(alice);
            phone.sync(alice);
            String expected = "notes " + A + ": alice|t|offline edit|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(tablet)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
        }
    }

    @Test
    void anOlderEditThatBringsADeletedRowBackDoesNotUndoANewerEditOfTheSameColumn() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            tablet.sync(alice);
            laptop.sync(alice);
            exec(tablet, "UPDATE notes SET title = 'older edit', color = 'red'");
            Thread.sleep(5);
            exec(laptop, "UPDATE notes SET title = 'newer edit'");
            laptop.sync(alice);
            phone.sync(alice);
            exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
            phone.sync(alice);
            // the tablet's edit brings the row back (update wins), but its title is older than the laptop's
            tablet.sync(alice);
            phone.sync(alice);
            laptop.sync(alice);
            String expected = "notes " + A + ": alice|newer edit|null|red|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(tablet)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void aNewerEditThatLeavesAColumnAsItWasStillBeatsAnOlderEditOfThatColumn() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title, color) VALUES ('" + A + "', 'alice', 't', 'red')");
            phone.sync(alice);
            tablet.sync(alice);
            laptop.sync(alice);
            exec(phone, "UPDATE notes SET color = 'blue'");
            Thread.sleep(5);
            exec(laptop, "UPDATE notes SET color = 'green'");
            Thread.sleep(5);
            exec(tablet, "UPDATE notes SET color = 'blue'");
            phone.sync(alice);
            // the tablet's blue is the newest color, though the server has blue already
            tablet.sync(alice);
            // so the laptop's older green loses to it
            laptop.sync(alice);
            phone.sync(alice);
            tablet.sync(alice);
            String expected = "notes " + A + ": alice|t|null|blue|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(tablet)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void unpushedEditsOfADeviceThatMustBootstrapAgainAreJudgedByTheServerNotByTheCopy() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title, body) VALUES ('" + A + "', 'alice', 't', 'b')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(phone, "UPDATE notes SET body = 'phone body'");
            Thread.sleep(5);
            exec(laptop, "UPDATE notes SET title = 'laptop title'");
            laptop.sync(alice);
            expireHistory(f);
            // the phone's cursor is too old: it takes a fresh copy of the rows, whose times it cannot know
            phone.sync(alice);
            laptop.sync(alice);
            String expected = "notes " + A + ": alice|laptop title|phone body|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void anUnpushedDeleteOfADeviceThatMustBootstrapAgainStaysDeletedEverywhere() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
            expireHistory(f);
            phone.sync(alice);
            laptop.sync(alice);
            String expected = "notes " + A + ": alice|t|null|null|deleted=true";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void theServersAnswerToAResentBatchDoesNotDeleteARowThatUnpushedEditsBringBack() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        Path file = dir.resolve("phone.db");
        try (SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            try (SyncClient phone = ClientFixture.client(file)) {
                exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
                phone.sync(alice);
                laptop.sync(alice);
                exec(phone, "UPDATE notes SET title = 'first'");
                phone.addListener(new SyncListener() {
                    @Override
                    public void stepCompleted(SyncStep step) {
                        if (step == SyncStep.BATCH_SENT) {
                            throw new IllegalStateException("the phone dies before it records the answer");
                        }
                    }
                });
                assertThatThrownBy(() -> phone.sync(alice)).isInstanceOf(IllegalStateException.class);
            }
            try (SyncClient phone = ClientFixture.client(file)) {
                exec(phone, "UPDATE notes SET title = 'second'");
                laptop.sync(alice);
                exec(laptop, "DELETE FROM notes WHERE id = '" + A + "'");
                laptop.sync(alice);
                // the batch with 'first' goes again and its answer shows the row deleted; 'second', still to be
                // pushed, brings the row back (update wins), so the phone must not take the deletion meanwhile
                phone.sync(alice);
                laptop.sync(alice);
                String expected = "notes " + A + ": alice|second|null|null|deleted=false";
                assertThat(f.serverRows("alice")).containsExactly(expected);
                assertThat(clientRows(phone)).containsExactly(expected);
                assertThat(clientRows(laptop)).containsExactly(expected);
            }
        }
    }

    /** Makes the server's whole change history older than it keeps, and prunes it: every cursor has expired. */
    private static void expireHistory(ClientFixture f) throws Exception {
        f.server("UPDATE mooring.change_log SET changed_at = now() - interval '100 days'");
        SyncMaintenance.prune(f.ds, SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags")));
    }
}
