package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static dev.mooring.server.client.ClientFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncClientTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";
    static final String B = "00000000-0000-0000-0000-00000000000b";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @Test
    void aFreshClientBootstrapsThenLocalWritesReachTheServerAndAnotherClient() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,"
                + " 'alice', 'note ' || g FROM generate_series(100, 109) g",
                "INSERT INTO notes (id, user_id, title) VALUES (gen_random_uuid(), 'bob', 'not for alice')");
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            List<Long> progress = new ArrayList<>();
            phone.addListener(new SyncListener() {
                @Override
                public void pullProgress(long changesApplied, boolean bootstrap) {
                    progress.add(changesApplied);
                }
            });
            SyncReport first = phone.sync(alice);
            assertThat(first.bootstrap()).isTrue();
            assertThat(first.pulled()).isEqualTo(10);
            assertThat(progress).hasSizeGreaterThan(1).isSorted();
            assertThat(clientRows(phone)).hasSize(10).allMatch(r -> r.contains(": alice|"));
            assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE sync_status <> 'synced'")).isEqualTo("0");

            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 'from the phone')",
                    "UPDATE notes SET body = 'edited' WHERE title = 'note 100'",
                    "DELETE FROM notes WHERE title = 'note 101'");
            assertThat(phone.pendingCount()).isEqualTo(3);
            SyncReport second = phone.sync(alice);
            assertThat(second.pushed()).isEqualTo(3);
            assertThat(second.acknowledged()).isEqualTo(3);
            assertThat(second.pending()).isZero();
            assertThat(f.serverRows("alice")).isEqualTo(clientRows(phone));

            laptop.sync(alice);
            // a bootstrap brings live rows only: a fresh client has no use for tombstones
            assertThat(clientRows(laptop)).isEqualTo(ClientFixture.live(f.serverRows("alice")));
            assertThat(scalar(laptop, "SELECT body FROM notes WHERE title = 'note 100'")).isEqualTo("edited");
            assertThat(scalar(laptop, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
        }
    }

    @Test
    void severalEditsOfOneRowArePushedAsTheirNetEffect() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 'one')",
                    "UPDATE notes SET title = 'two'", "UPDATE notes SET body = 'b'", "UPDATE notes SET title = 'three'",
                    "INSERT INTO notes (id, user_id, title) VALUES ('" + B + "', 'alice', 'gone')",
                    "DELETE FROM notes WHERE id = '" + B + "'");
            SyncReport report = phone.sync(alice);
            assertThat(report.pushed()).isEqualTo(2);
            assertThat(f.serverRows("alice")).containsExactly(
                    "notes " + A + ": alice|three|b|null|deleted=false");
            // one capture row per write on the server: the merged change was applied once
            assertThat(f.serverScalar("SELECT count(*) FROM mooring.change_log WHERE record_id = '" + A + "'")).isEqualTo("1");
        }
    }

    @Test
    void editsOfDifferentColumnsOnTwoClientsBothSurvive() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title, body) VALUES ('" + A + "', 'alice', 't', 'b')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(phone, "UPDATE notes SET title = 'phone title'");
            exec(laptop, "UPDATE notes SET body = 'laptop body'");
            phone.sync(alice);
            laptop.sync(alice);
            phone.sync(alice);
            String expected = "notes " + A + ": alice|phone title|laptop body|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
        }
    }

    @Test
    void theSameColumnOnTwoClientsGoesToTheLaterEditEverywhere() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(laptop, "UPDATE notes SET title = 'older', color = 'red'");
            Thread.sleep(5);
            exec(phone, "UPDATE notes SET title = 'newer'");
            phone.sync(alice);   // the newer edit reaches the server first
            laptop.sync(alice);  // the older one arrives later and loses its title, keeps its color
            phone.sync(alice);
            String expected = "notes " + A + ": alice|newer|null|red|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(laptop.conflicts(10)).isNotEmpty();
        }
    }

    @Test
    void aDeleteOnOneClientAndAnEditOnTheOtherKeepsTheEdit() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            laptop.sync(alice);
            exec(phone, "DELETE FROM notes WHERE id = '" + A + "'");
            exec(laptop, "UPDATE notes SET body = 'still needed'");
            phone.sync(alice);
            laptop.sync(alice);
            phone.sync(alice);
            String expected = "notes " + A + ": alice|t|still needed|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(laptop)).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
        }
    }

    @Test
    void serverWinsStillHoldsWhenTheClientPullsBeforeItPushes() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.SERVER_WINS);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
            phone.sync(alice);
            exec(phone, "UPDATE notes SET title = 'offline edit', body = 'mine'");
            f.server("UPDATE notes SET title = 'server edit' WHERE id = '" + A + "'");
            phone.sync(alice);
            String expected = "notes " + A + ": alice|server edit|null|null|deleted=false";
            assertThat(f.serverRows("alice")).containsExactly(expected);
            assertThat(clientRows(phone)).containsExactly(expected);
            assertThat(phone.conflicts(10)).extracting(c -> c.result()).contains("server");
        }
    }

    @Test
    void writesAppliedFromTheServerAreNotCapturedAgain() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport alice = f.transport("alice")) {
            phone.sync(alice);
            f.server("UPDATE notes SET title = 'changed' WHERE id = '" + A + "'",
                    "UPDATE notes SET deleted_at = now() WHERE id = '" + A + "'");
            Set<String> changed = new HashSet<>();
            phone.addListener(new SyncListener() {
                @Override
                public void rowsChanged(String table, Set<String> ids) {
                    changed.addAll(ids);
                }
            });
            phone.sync(alice);
            assertThat(changed).containsExactly(A);
            assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
            assertThat(clientRows(phone)).containsExactly("notes " + A + ": alice|changed|null|null|deleted=true");
        }
    }

    @Test
    void aChangeTheServerRejectsStaysWithItsReasonAndDoesNotBlockTheOthers() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport alice = f.transport("alice")) {
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('not-a-uuid', 'alice', 'bad id')",
                    "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 'good')",
                    "INSERT INTO tags (id, user_id, name) VALUES ('t1', 'alice', 'fine')");
            SyncReport report = phone.sync(alice);
            assertThat(report.rejected()).isEqualTo(1);
            assertThat(report.acknowledged()).isEqualTo(2);
            assertThat(phone.rejected()).singleElement().satisfies(e -> {
                assertThat(e.id()).isEqualTo("not-a-uuid");
                assertThat(e.lastError()).contains("not a uuid");
            });
            assertThat(f.serverRows("alice")).hasSize(2);
            // a second sync does not send it again, and says the same
            assertThat(phone.sync(alice).pushed()).isZero();
            assertThat(phone.status().rejectedChanges()).isEqualTo(1);
            assertThat(phone.discardRejected(phone.rejected().get(0).seq())).isTrue();
            assertThat(phone.pendingCount()).isZero();
        }
    }

    @Test
    void anIncompatibleServerStopsTheSyncAndChangesNothing() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'alice', 't')");
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport strict = InProcessTransport.create(f.service, "alice", "20270101000000",
                     "20270101000000")) {
            exec(phone, "INSERT INTO tags (id, user_id, name) VALUES ('t1', 'alice', 'x')");
            assertThatThrownBy(() -> phone.sync(strict)).isInstanceOf(MooringException.class)
                    .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.SYNC_INCOMPATIBLE))
                    .hasMessageContaining("upgrade");
            assertThat(clientRows(phone)).containsExactly("tags t1: alice|x|deleted=false");
            assertThat(phone.pendingCount()).isEqualTo(1);
            assertThat(phone.lastError()).get().asString().contains("does not accept");
            assertThat(f.serverRows("alice")).hasSize(1);
        }
    }
}
