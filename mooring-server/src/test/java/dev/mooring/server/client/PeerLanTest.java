package dev.mooring.server.client;

import static dev.mooring.server.client.ClientFixture.clientRows;
import static dev.mooring.server.client.ClientFixture.exec;
import static dev.mooring.server.client.ClientFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.server.InProcessTransport;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.PeerExportRequest;
import dev.mooring.sync.SyncJson;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.PeerRequestServed;
import dev.mooring.sync.client.PeerServer;
import dev.mooring.sync.client.SyncListener;
import dev.mooring.sync.client.PeerSyncResult;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two devices of one user exchange changes over the LAN endpoint ({@link SyncClient#servePeers},
 * {@link SyncClient#syncWithPeer}): real HTTP on port 0, real SQLite files, the real server (embedded PostgreSQL)
 * for the syncs around it.
 */
class PeerLanTest {
    static final String A = "00000000-0000-0000-0000-00000000000a";
    static final String B = "00000000-0000-0000-0000-00000000000b";
    static final String C = "00000000-0000-0000-0000-00000000000c";
    static final String TOKEN = "lan-secret-0123456789";
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = SyncJson.mapper();

    HttpResponse<String> post(PeerServer server, String route, String token, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + "/peer/v1/" + route))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The answer to a request that announces a body of {@code length} bytes and sends none: refused up front. */
    static String announcing(PeerServer server, String route, long length) throws Exception {
        try (Socket socket = new Socket(server.address().getAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /peer/v1/" + route + " HTTP/1.1\r\nHost: peer\r\n"
                    + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // the answer's head, then as many bytes as it announces: the server keeps the connection for the body
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                assertThat(b).as("answer so far: %s", head).isNotNegative();
                head.append((char) b);
            }
            java.util.regex.Matcher announced = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                    .matcher(head);
            assertThat(announced.find()).as(head.toString()).isTrue();
            return head + new String(in.readNBytes(Integer.parseInt(announced.group(1))), StandardCharsets.UTF_8);
        }
    }

    static byte[] exchangeFile(SyncClient client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.exportChanges(null, out);
        return out.toByteArray();
    }

    /** What a device holds: its rows and its outbox. */
    static String state(SyncClient client) throws Exception {
        return clientRows(client) + " " + client.outbox().stream().map(OutboxEntry::toString).toList();
    }

    @Test
    void twoDevicesExchangeBothWaysOverTheLanThenBothSyncWithTheServerAndConverge() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        f.server("INSERT INTO notes (id, user_id, title) VALUES ('" + C + "', 'ann', 'on the server')");
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             InProcessTransport ann = f.transport("ann")) {
            phone.sync(ann);
            tablet.sync(ann);
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'from the phone')",
                    "UPDATE notes SET body = 'body by the phone' WHERE id = '" + C + "'");
            exec(tablet, "INSERT INTO notes (id, user_id, title) VALUES ('" + B + "', 'ann', 'from the tablet')",
                    "UPDATE notes SET color = 'green' WHERE id = '" + C + "'");

            List<PeerRequestServed> heard = listenToPeers(phone);
            PeerSyncResult result;
            try (PeerServer served = phone.servePeers(LOOPBACK, TOKEN)) {
                assertThat(served.port()).isPositive();
                result = tablet.syncWithPeer(served.uri(), TOKEN);
            }

            assertThat(heard).extracting(PeerRequestServed::route).containsExactly("handshake", "import", "export");
            assertThat(heard).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.peerNode()).isEqualTo(tablet.nodeId());
                assertThat(r.address()).startsWith("127.0.0.1:");
            });
            assertThat(heard.get(1).outcome()).startsWith("imported 2 change(s) and 0 row(s): 2 kept to relay");
            assertThat(heard.get(2).outcome()).startsWith("sent 4 change(s) and ");

            assertThat(result.peer().nodeId()).isEqualTo(phone.nodeId());
            assertThat(result.changesSent()).isEqualTo(2);
            assertThat(result.peerImported().relaysKept()).isEqualTo(2);
            assertThat(result.changesReceived()).isEqualTo(4); // the phone's two, and the tablet's two relayed back
            assertThat(result.imported().relaysKept()).isEqualTo(2);
            assertThat(result.imported().alreadyKnown()).isEqualTo(2);
            assertThat(result.warnings()).isEmpty();
            assertThat(clientRows(tablet)).isEqualTo(clientRows(phone)).contains(
                    "notes " + A + ": ann|from the phone|null|null|deleted=false",
                    "notes " + B + ": ann|from the tablet|null|null|deleted=false",
                    "notes " + C + ": ann|on the server|body by the phone|green|deleted=false");

            tablet.sync(ann);
            phone.sync(ann);
            tablet.sync(ann);

            assertThat(f.serverRows("ann")).hasSize(3);
            assertThat(clientRows(phone)).isEqualTo(f.serverRows("ann")).isEqualTo(clientRows(tablet));
            assertThat(phone.outbox()).isEmpty();
            assertThat(tablet.outbox()).isEmpty();
            assertThat(f.serverScalar("SELECT count(*) FROM mooring.change_log WHERE source = 'sync'")).isEqualTo("4");
        }
    }

    @Test
    void aWrongOrMissingTokenIsAnswered401AndChangesNothing() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             InProcessTransport ann = f.transport("ann")) {
            phone.sync(ann);
            tablet.sync(ann);
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'the phone''s')");
            exec(tablet, "INSERT INTO notes (id, user_id, title) VALUES ('" + B + "', 'ann', 'the tablet''s')");
            byte[] tablets = exchangeFile(tablet);
            String phoneBefore = state(phone);
            String tabletBefore = state(tablet);

            List<PeerRequestServed> heard = listenToPeers(phone);
            try (PeerServer served = phone.servePeers(LOOPBACK, TOKEN)) {
                for (String token : Arrays.asList(null, "wrong-token-0123456789", TOKEN + "x", "")) {
                    HttpResponse<String> answer = post(served, "import", token, tablets);
                    assertThat(answer.statusCode()).as("token %s", token).isEqualTo(401);
                    assertThat(json.readTree(answer.body()).get("error").asText()).isEqualTo("unauthorized");
                    assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                            v -> assertThat(v).startsWith("Bearer"));
                }
                assertThat(post(served, "export", "nope", json.writeValueAsBytes(
                        new PeerExportRequest(tablet.peerInfo(), null))).statusCode()).isEqualTo(401);
                assertThatThrownBy(() -> tablet.syncWithPeer(served.uri(), "wrong-token-0123456789"))
                        .isInstanceOf(MooringException.class)
                        .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION))
                        .hasMessageContaining("refused the token")
                        .hasMessageNotContaining("wrong-token-0123456789");
            }

            assertThat(state(phone)).isEqualTo(phoneBefore);
            assertThat(state(tablet)).isEqualTo(tabletBefore);
            assertThat(heard).extracting(PeerRequestServed::route)
                    .containsExactly("import", "import", "import", "import", "export", "handshake");
            assertThat(heard).allSatisfy(r -> {
                assertThat(r.status()).isEqualTo(401);
                assertThat(r.peerNode()).isNull();
                assertThat(r.outcome()).contains("bearer token").doesNotContain("wrong-token").doesNotContain(TOKEN);
            });
        }
    }

    /** Every request {@code client}'s LAN endpoint answers, in order. */
    static List<PeerRequestServed> listenToPeers(SyncClient client) {
        List<PeerRequestServed> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        client.addListener(new SyncListener() {
            @Override
            public void peerRequestServed(PeerRequestServed request) {
                heard.add(request);
            }
        });
        return heard;
    }

    @Test
    void anotherUsersDeviceIsRefusedBeforeAnyChangeMovesEitherWay() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient anns = ClientFixture.client(dir.resolve("ann.db"));
             SyncClient bens = ClientFixture.client(dir.resolve("ben.db"));
             SyncClient fresh = ClientFixture.client(dir.resolve("fresh.db"));
             InProcessTransport ann = f.transport("ann");
             InProcessTransport ben = f.transport("ben")) {
            anns.sync(ann);
            bens.sync(ben);
            exec(anns, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'ann''s')");
            exec(bens, "INSERT INTO notes (id, user_id, title) VALUES ('" + B + "', 'ben', 'ben''s')");
            exec(fresh, "INSERT INTO notes (id, user_id, title) VALUES ('" + C + "', 'ann', 'never synced')");
            byte[] bensFile = exchangeFile(bens); // freezes ben's edit, as a push would: done before the snapshot
            String annsBefore = state(anns);
            String bensBefore = state(bens);
            String freshBefore = state(fresh);

            try (PeerServer served = anns.servePeers(LOOPBACK, TOKEN)) {
                assertThatThrownBy(() -> bens.syncWithPeer(served.uri(), TOKEN))
                        .isInstanceOf(MooringException.class)
                        .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.PEER_REFUSED))
                        .hasMessageContaining("another user's device");
                assertThatThrownBy(() -> fresh.syncWithPeer(served.uri(), TOKEN))
                        .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.PEER_REFUSED))
                        .hasMessageContaining("never synced");

                HttpResponse<String> hello = post(served, "handshake", TOKEN, json.writeValueAsBytes(bens.peerInfo()));
                assertThat(hello.statusCode()).isEqualTo(403);
                assertThat(json.readTree(hello.body()).get("error").asText()).isEqualTo("peer_refused");
                assertThat(hello.body()).doesNotContain(anns.nodeId());
                // the routes themselves refuse too, for a caller that skips the handshake
                HttpResponse<String> imported = post(served, "import", TOKEN, bensFile);
                assertThat(imported.statusCode()).isEqualTo(403);
                assertThat(json.readTree(imported.body()).get("error").asText()).isEqualTo("peer_refused");
                HttpResponse<String> exported = post(served, "export", TOKEN,
                        json.writeValueAsBytes(new PeerExportRequest(bens.peerInfo(), null)));
                assertThat(exported.statusCode()).isEqualTo(403);
                assertThat(exported.body()).doesNotContain("ann's");
            }

            try (PeerServer served = bens.servePeers(LOOPBACK, TOKEN)) {
                assertThatThrownBy(() -> anns.syncWithPeer(served.uri(), TOKEN))
                        .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.PEER_REFUSED));
            }
            assertThat(state(anns)).isEqualTo(annsBefore);
            assertThat(state(bens)).isEqualTo(bensBefore);
            assertThat(state(fresh)).isEqualTo(freshBefore);
        }
    }

    @Test
    void aCorruptedOrMalformedBodyIsRejectedWithAClearErrorAndChangesNothing() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             SyncClient tablet = ClientFixture.client(dir.resolve("tablet.db"));
             InProcessTransport ann = f.transport("ann")) {
            phone.sync(ann);
            tablet.sync(ann);
            exec(tablet, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'offline')");
            byte[] good = exchangeFile(tablet);
            byte[] flipped = good.clone();
            int at = new String(good, StandardCharsets.ISO_8859_1).indexOf("offline");
            flipped[at] = 'O';
            byte[] truncated = Arrays.copyOf(good, good.length - 10);
            String before = state(phone);

            try (PeerServer served = phone.servePeers(LOOPBACK, TOKEN)) {
                for (byte[] bad : List.of(flipped, truncated, "MOORING-PACKAGE 1\n".getBytes(StandardCharsets.UTF_8))) {
                    HttpResponse<String> answer = post(served, "import", TOKEN, bad);
                    assertThat(answer.statusCode()).isEqualTo(400);
                    JsonNode error = json.readTree(answer.body());
                    assertThat(error.get("error").asText()).isEqualTo("peer_exchange_corrupt");
                    assertThat(error.get("message").asText()).contains("Nothing was imported");
                }
                HttpResponse<String> notJson = post(served, "handshake", TOKEN, "{\"nodeId\":".getBytes());
                assertThat(notJson.statusCode()).isEqualTo(400);
                assertThat(json.readTree(notJson.body()).get("error").asText()).isEqualTo("bad_request");
                assertThat(post(served, "export", TOKEN, "{}".getBytes()).statusCode()).isEqualTo(400);
                assertThat(announcing(served, "handshake", 2 * 1024 * 1024)).startsWith("HTTP/1.1 413")
                        .contains("payload_too_large");
                assertThat(announcing(served, "import", 300L * 1024 * 1024)).startsWith("HTTP/1.1 413")
                        .contains("payload_too_large");
                HttpResponse<String> elsewhere = post(served, "changes", TOKEN, good);
                assertThat(elsewhere.statusCode()).isEqualTo(404);
                HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(served.uri()
                        + "/peer/v1/export")).header("Authorization", "Bearer " + TOKEN).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(get.statusCode()).isEqualTo(405);

                assertThat(state(phone)).isEqualTo(before);
                HttpResponse<String> fine = post(served, "import", TOKEN, good);
                assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
                assertThat(json.readTree(fine.body()).get("relaysKept").asLong()).isEqualTo(1);
            }
            assertThat(clientRows(phone)).isEqualTo(clientRows(tablet));
        }
    }

    @Test
    void severalDevicesSyncingWithOneAtTheSameTimeAllConverge() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        List<SyncClient> devices = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (SyncClient phone = ClientFixture.client(dir.resolve("phone.db"));
             InProcessTransport ann = f.transport("ann")) {
            phone.sync(ann);
            for (int i = 0; i < 3; i++) {
                SyncClient device = ClientFixture.client(dir.resolve("device" + i + ".db"));
                devices.add(device);
                device.sync(ann);
                exec(device, "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-00000000010"
                        + i + "', 'ann', 'device " + i + "')");
            }
            exec(phone, "INSERT INTO notes (id, user_id, title) VALUES ('" + A + "', 'ann', 'phone')");
            try (PeerServer served = phone.servePeers(LOOPBACK, TOKEN)) {
                List<Future<PeerSyncResult>> running = new ArrayList<>();
                for (SyncClient device : devices) {
                    running.add(callers.submit((Callable<PeerSyncResult>) () ->
                            device.syncWithPeer(served.uri(), TOKEN)));
                }
                for (Future<PeerSyncResult> result : running) {
                    assertThat(result.get().peerImported().relaysKept()).isEqualTo(1);
                }
            }
            assertThat(clientRows(phone)).hasSize(4);
            for (SyncClient device : devices) {
                device.sync(ann);
            }
            phone.sync(ann);
            for (SyncClient device : devices) {
                device.sync(ann);
                assertThat(clientRows(device)).isEqualTo(f.serverRows("ann"));
            }
            assertThat(clientRows(phone)).isEqualTo(f.serverRows("ann")).hasSize(4);
        } finally {
            callers.shutdownNow();
            for (SyncClient device : devices) {
                device.close();
            }
        }
    }

    @Test
    void devicesAtClientSchemasTooFarApartExchangeAndAreWarnedOnBothSides() throws Exception {
        ClientFixture f = new ClientFixture(pg.dataSource(), ConflictPolicy.LWW_COLUMN);
        try (SyncClient newer = schemaClient("new", 2);
             SyncClient older = schemaClient("old", 1);
             InProcessTransport ann = f.transport("ann")) {
            newer.sync(ann);
            older.sync(ann);
            exec(newer, "INSERT INTO notes (id, user_id, title, color) VALUES ('" + A + "', 'ann', 'new', 'red')");

            PeerSyncResult result;
            try (PeerServer served = newer.servePeers(LOOPBACK, TOKEN)) {
                result = older.syncWithPeer(served.uri(), TOKEN);
            }

            assertThat(result.imported().keptForLater()).isEqualTo(1); // the color, for after the migration
            assertThat(older.keptForLater()).isEqualTo(1);
            assertThat(scalar(older, "SELECT title FROM notes WHERE id = '" + A + "'")).isEqualTo("new");
            assertThat(result.warnings()).hasSize(2);
            assertThat(result.warnings().get(0)).contains("this database is at client schema version 001 and the"
                    + " peer at 002").contains("full resync");
            assertThat(result.warnings().get(1)).startsWith("the peer: this database is at client schema version 002");
        }
    }

    /** A client at {@code versions} of a two-step client schema, warning about any version gap. */
    SyncClient schemaClient(String name, int versions) throws Exception {
        Path migrations = Files.createDirectories(dir.resolve(name + "-migrations"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id TEXT PRIMARY KEY, user_id TEXT"
                + " NOT NULL, title TEXT, body TEXT, deleted_at TEXT);");
        if (versions == 2) {
            Files.writeString(migrations.resolve("002_color.sql"), "ALTER TABLE notes ADD COLUMN color TEXT;");
        }
        return SyncClient.open(dir.resolve(name + ".db"), ClientConfig.of("notes").withRetry(RetryPolicy.none())
                .withMigrations(MigrationConfig.of("filesystem:" + migrations)).withPeerSchemaGapLimit(0));
    }
}
