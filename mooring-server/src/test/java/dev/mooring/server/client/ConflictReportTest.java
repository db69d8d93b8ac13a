package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.exec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.server.SyncServer;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client reports of conflicts is what the server recorded: one conflict per conflicting change, with the
 * server's rule and result, in {@link SyncReport#conflicts()} and {@link SyncClient#conflicts(int)} alike. Two SQLite
 * clients and the real HTTP server.
 */
class ConflictReportTest {
    static final String SAME_COLUMN = "00000000-0000-0000-0000-00000000000a";
    static final String DIFFERENT_COLUMNS = "00000000-0000-0000-0000-00000000000b";
    static final String DELETE_VS_EDIT = "00000000-0000-0000-0000-00000000000c";
    static final String LATER_EDIT = "00000000-0000-0000-0000-00000000000d";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    @Test
    void theClientReportsEachConflictOnceAsTheServerRecordedIt() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncServer server = f.httpServer();
             HttpTransport phoneHttp = f.http(server, "alice");
             HttpTransport laptopHttp = f.http(server, "alice");
             SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient laptop = ClientFixture.client(dir.resolve("laptop.db"))) {
            for (String id : List.of(SAME_COLUMN, DIFFERENT_COLUMNS, DELETE_VS_EDIT, LATER_EDIT)) {
                exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + id + "', 'alice', 'first')");
            }
            phone.sync(phoneHttp);
            laptop.sync(laptopHttp);

            // offline: the laptop edits first where the phone's later edit is to win, and last where its own is
            exec(laptop, "UPDATE notes SET title = 'laptop' WHERE id = '" + SAME_COLUMN + "'");
            exec(phone, "UPDATE notes SET title = 'phone' WHERE id = '" + LATER_EDIT + "'");
            Thread.sleep(5);
            exec(phone, "UPDATE notes SET title = 'phone' WHERE id = '" + SAME_COLUMN + "'",
                    "UPDATE notes SET body = 'phone' WHERE id = '" + DIFFERENT_COLUMNS + "'",
                    "DELETE FROM notes WHERE id = '" + DELETE_VS_EDIT + "'");
            exec(laptop, "UPDATE notes SET color = 'red' WHERE id = '" + DIFFERENT_COLUMNS + "'",
                    "UPDATE notes SET body = 'keep' WHERE id = '" + DELETE_VS_EDIT + "'",
                    "UPDATE notes SET title = 'laptop' WHERE id = '" + LATER_EDIT + "'");
            phone.sync(phoneHttp);
            SyncReport report = laptop.sync(laptopHttp);
            phone.sync(phoneHttp);

            List<String> recorded = serverConflicts(f, laptop.nodeId());
            assertThat(recorded).containsExactlyInAnyOrder(
                    SAME_COLUMN + " lww-column server",
                    DIFFERENT_COLUMNS + " lww-column merged",   // both edits survive
                    DELETE_VS_EDIT + " update-wins client",
                    LATER_EDIT + " lww-column client");
            assertThat(described(report.conflicts())).as("the sync's report").containsExactlyInAnyOrderElementsOf(recorded);
            assertThat(described(laptop.conflicts(10))).as("the client's log").containsExactlyInAnyOrderElementsOf(recorded);
            assertThat(serverConflicts(f, phone.nodeId())).isEmpty();
            assertThat(ClientFixture.clientRows(laptop)).isEqualTo(f.serverRows("alice"));
        }
    }

    static List<String> described(List<SyncConflict> conflicts) {
        return conflicts.stream().map(c -> c.id() + " " + c.rule() + " " + c.result()).toList();
    }

    static List<String> serverConflicts(ClientFixture f, String node) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = f.ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT record_id, rule, result FROM mooring.conflicts WHERE client_node = '"
                     + node + "'")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
            }
        }
        return rows;
    }
}
