package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static dev.mooring.server.client.ClientFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncedTable;
import dev.mooring.server.Tokens;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A real client process killed (SIGKILL) in the middle of a sync loses nothing and duplicates nothing. */
class SyncKillTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @Test
    void aClientProcessKilledMidSyncResumesWithoutLossOrDuplicates() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) SELECT gen_random_uuid(), 'alice', 'server ' || g"
                + " FROM generate_series(1, 30) g");
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags"));
        Path file = dir.resolve("phone.db");
        String node;
        try (SyncClient phone = ClientFixture.client(file)) {
            node = phone.nodeId();
            exec(phone, "WITH RECURSIVE g(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM g WHERE value < 40)"
                    + " INSERT INTO notes (id, user_id, title) SELECT lower(hex(randomblob(4)) || '-0000-4000-8000-'"
                    + " || printf('%012d', value)), 'alice', 'phone ' || value FROM g");
        }
        String token = Tokens.create(pg.dataSource()).issue("alice", "kill test").token();
        try (SyncServer server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0))) {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SyncProcessMain.class.getName(), file.toString(),
                    server.uri().toString()).redirectErrorStream(true).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write((token + "\n").getBytes(StandardCharsets.UTF_8));
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int sent = 0;
            String line;
            // pages of 3, batches of 2: kill it after the fifth batch went out, before its answer is recorded
            while ((line = out.readLine()) != null) {
                if (line.equals("BATCH_SENT") && ++sent == 5) {
                    process.destroyForcibly();
                    break;
                }
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sent).as("the client reached the fifth batch before it was killed").isEqualTo(5);

            try (SyncClient phone = ClientFixture.client(file);
                 HttpTransport alice = HttpTransport.create(server.uri(), token)) {
                phone.sync(alice);
                assertThat(clientRows(phone)).hasSize(70).isEqualTo(f.serverRows("alice"));
                assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
                assertThat(f.serverScalar("SELECT count(*) FROM mooring.change_log WHERE origin_node = '" + node + "'"))
                        .isEqualTo("40");
                assertThat(scalar(phone, "SELECT group_concat(status) FROM sync_log")).isEqualTo("interrupted,ok");
            }
        }
    }
}
