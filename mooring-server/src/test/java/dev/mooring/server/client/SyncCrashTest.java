package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static dev.mooring.server.client.ClientFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.SyncStep;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sync cut short between any two of its steps, then run again from a reopened database, loses no local or
 * remote change and applies nothing twice. Every {@link SyncStep} is a cut point; the cut comes at the step's second
 * occurrence where it repeats, so work is already committed on both sides of it.
 */
class SyncCrashTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Crash(SyncStep step) {
            super("crash after " + step);
        }
    }

    @ParameterizedTest
    @EnumSource(SyncStep.class)
    void aSyncCutAtAnyStepResumesWithoutLossOrDuplicates(SyncStep cut) throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,"
                + " 'alice', 'note ' || g FROM generate_series(1, 6) g");
        Path file = dir.resolve("phone.db");
        String node;
        try (SyncClient phone = ClientFixture.client(file); InProcessTransport alice = f.transport("alice")) {
            node = phone.nodeId();
            phone.sync(alice);
            // remote edits the phone must receive, local edits the server must receive: several pages, several batches
            f.server("UPDATE notes SET body = 'server ' || title WHERE title IN ('note 1', 'note 2', 'note 3', 'note 4')",
                    "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000099', 'alice', 'new on server')");
            exec(phone, "WITH RECURSIVE g(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM g WHERE value < 5)"
                            + " INSERT INTO notes (id, user_id, title) SELECT '00000000-0000-0000-0001-'"
                            + " || printf('%012d', value), 'alice', 'phone ' || value FROM g",
                    "UPDATE notes SET color = 'red' WHERE title IN ('note 5', 'note 6')",
                    "DELETE FROM notes WHERE title = 'note 1'",
                    "INSERT INTO tags (id, user_id, name) VALUES ('t1', 'alice', 'tag')");
            phone.addListener(new SyncListener() {
                int seen;

                @Override
                public void stepCompleted(SyncStep step) {
                    if (step == cut && ++seen == (repeats(step) ? 2 : 1)) {
                        throw new Crash(step);
                    }
                }
            });
            assertThatThrownBy(() -> phone.sync(alice)).isInstanceOf(Crash.class);
        }
        try (SyncClient phone = ClientFixture.client(file); InProcessTransport alice = f.transport("alice")) {
            phone.sync(alice);
            phone.sync(alice);
            assertThat(clientRows(phone)).isEqualTo(f.serverRows("alice"));
            assertThat(clientRows(phone)).contains(
                    "notes 00000000-0000-0000-0000-000000000001: alice|note 1|server note 1|null|deleted=false",
                    "notes 00000000-0000-0000-0000-000000000002: alice|note 2|server note 2|null|deleted=false",
                    "notes 00000000-0000-0000-0000-000000000005: alice|note 5|null|red|deleted=false",
                    "notes 00000000-0000-0000-0000-000000000099: alice|new on server|null|null|deleted=false",
                    "notes 00000000-0000-0000-0001-000000000005: alice|phone 5|null|null|deleted=false",
                    "tags t1: alice|tag|deleted=false");
            assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE sync_status <> 'synced'")).isEqualTo("0");
            // nine rows changed on the phone; the delete of note 1 lost to the server's edit (update wins), so eight
            // writes on the server, none twice
            assertThat(f.serverScalar("SELECT count(*) FROM mooring.change_log WHERE origin_node = '" + node + "'"))
                    .isEqualTo("8");
            assertThat(scalar(phone, "SELECT status FROM sync_log ORDER BY id DESC LIMIT 1")).isEqualTo("ok");
        }
    }

    private static boolean repeats(SyncStep step) {
        return step == SyncStep.PAGE_APPLIED || step == SyncStep.BATCH_PREPARED || step == SyncStep.BATCH_SENT
                || step == SyncStep.BATCH_ACKNOWLEDGED;
    }
}
