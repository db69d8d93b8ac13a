package dev.mooring.server;

import dev.mooring.sync.ConflictPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.SyncJson;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;

class SyncServerHttpTest {
    static final long T = System.currentTimeMillis();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = SyncJson.mapper();
    SyncServer server;
    volatile boolean backupHealthy = true;
    String alice;
    String bob;
    String admin;

    @BeforeEach
    void start() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL),
                SyncedTable.publicRead("holidays"));
        SyncSchema.install(pg.dataSource(), config);
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withMaxRequestBytes(64 * 1024).withServerSchemaVersion("20260210140000")
                .withMinimumClientVersion("20260105093000")
                .withHealthCheck("backup", () -> new HealthCheck.Result(backupHealthy, backupHealthy ? "ok" : "failing (exit 12)",
                        Map.of("state", backupHealthy ? "ok" : "failing", "exitCode", backupHealthy ? 0 : 12)))
                .withHealthCheck("broken", () -> {
                    throw new IllegalStateException("the check itself failed");
                }));
        Tokens tokens = Tokens.create(pg.dataSource());
        alice = tokens.issue("alice", "test").token();
        bob = tokens.issue("bob", "test").token();
        admin = tokens.issueAdmin("ops", "test").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> call(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    JsonNode body(HttpResponse<byte[]> r) throws IOException {
        byte[] bytes = r.body();
        if ("gzip".equals(r.headers().firstValue("Content-Encoding").orElse(""))) {
            bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
        }
        return json.readTree(bytes);
    }

    String push(String node, dev.mooring.sync.RowChange... changes) throws Exception {
        return json.writeValueAsString(new PushRequest(node, List.of(changes)));
    }

    @Test
    void everyRouteNeedsAValidToken() throws Exception {
        HttpResponse<byte[]> none = call("GET", "/v1/changes?node=n1", null, null);
        HttpResponse<byte[]> bad = call("GET", "/v1/changes?node=n1", "mt_forged", null);
        Tokens.create(pg.dataSource()).revoke(bob);
        HttpResponse<byte[]> revoked = call("GET", "/v1/health", bob, null);

        assertThat(List.of(none.statusCode(), bad.statusCode(), revoked.statusCode())).containsOnly(401);
        assertThat(body(none).get("message").asText()).contains("Authorization: Bearer");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(none.headers().firstValue("X-Mooring-Time")).isPresent();
    }

    @Test
    void handshakeSaysWhetherTheClientsSchemaIsAccepted() throws Exception {
        JsonNode ok = body(call("POST", "/v1/handshake", alice,
                "{\"nodeId\":\"n1\",\"schemaVersion\":\"20260210143000\",\"capabilities\":[\"lww-column\"]}"));
        JsonNode old = body(call("POST", "/v1/handshake", alice,
                "{\"nodeId\":\"n2\",\"schemaVersion\":\"20250101000000\",\"capabilities\":[]}"));

        assertThat(ok.get("compatible").asBoolean()).isTrue();
        assertThat(ok.get("serverSchemaVersion").asText()).isEqualTo("20260210140000");
        assertThat(old.get("compatible").asBoolean()).isFalse();
        assertThat(old.get("message").asText()).contains("upgrade required").contains("20260105093000");
        assertThat(old.get("serverTime").asText()).matches("\\d{15}-\\d{5}-server");
    }

    @Test
    void pushedChangesReachTheOwnersOtherDevicesAndNobodyElse() throws Exception {
        String id = "00000000-0000-0000-0000-000000000001";
        HttpResponse<byte[]> pushed = call("POST", "/v1/changes", alice, push("phone", upsert("phone", 1, T, "notes", id,
                "title", "from the phone")));
        assertThat(pushed.statusCode()).isEqualTo(200);
        assertThat(body(pushed).get("results").get(0).get("status").asText()).isEqualTo("applied");

        JsonNode laptop = body(call("GET", "/v1/changes?node=laptop&limit=10", alice, null));
        JsonNode stranger = body(call("GET", "/v1/changes?node=bobs-phone&limit=10", bob, null));

        assertThat(laptop.get("changes")).extracting(c -> c.get("values").get("title").asText())
                .containsExactly("from the phone");
        assertThat(stranger.get("changes")).isEmpty();
        HttpResponse<byte[]> steal = call("POST", "/v1/changes", bob, push("bobs-phone",
                upsert("bobs-phone", 1, T + 5, "notes", id, "title", "bob was here")));
        assertThat(body(steal).get("results").get(0).get("reason").asText()).contains("belongs to another user");
        HttpResponse<byte[]> wrongNode = call("POST", "/v1/changes", bob, push("phone", upsert("phone", 9, T, "notes",
                id, "title", "x")));
        assertThat(wrongNode.statusCode()).isEqualTo(403);
    }

    @Test
    void theHttpPullIsTheJavaApiPullInTheProtocolsOwnJson() throws Exception {
        call("POST", "/v1/changes", alice, push("phone", upsert("phone", 1, T, "notes", "00000000-0000-0000-0000-000000000005",
                "title", "one", "body", null)));
        execute(pg.dataSource(), "UPDATE notes SET body = 'edited elsewhere'; INSERT INTO holidays (id, name) VALUES ('tet', 'Tết')");

        for (String cursor : new String[]{null, "c1.0.0"}) {
            String query = "/v1/changes?node=laptop&limit=50" + (cursor == null ? "" : "&cursor=" + cursor);
            dev.mooring.sync.PullResponse overHttp = json.readValue(call("GET", query, alice, null).body(),
                    dev.mooring.sync.PullResponse.class);
            dev.mooring.sync.PullResponse direct = server.sync().pull("alice", "laptop", cursor, 50);

            assertThat(overHttp.changes()).isEqualTo(direct.changes()).isNotEmpty();
            if (cursor != null) { // a bootstrap's cursor is the xmin of the moment, which moves between the calls
                assertThat(overHttp.nextCursor()).isEqualTo(direct.nextCursor());
            }
            assertThat(overHttp.bootstrap()).isEqualTo(cursor == null);
        }
    }

    @Test
    void badInputGetsAClearFourHundredAndTheServerKeepsServing() throws Exception {
        HttpResponse<byte[]> malformed = call("POST", "/v1/changes", alice, "{\"nodeId\": ");
        HttpResponse<byte[]> unknown = call("POST", "/v1/changes", alice, "{\"nodeId\":\"n1\",\"changes\":[],\"extra\":1}");
        HttpResponse<byte[]> wrongType = call("POST", "/v1/changes", alice, "{\"nodeId\":\"n1\",\"changes\":[{\"table\":\"notes\","
                + "\"id\":\"x\",\"op\":\"upsert\",\"values\":{},\"hlc\":\"yesterday\",\"nodeId\":\"n1\",\"clientSeq\":1}]}");
        HttpResponse<byte[]> huge = call("POST", "/v1/changes", alice, "{\"nodeId\":\"n1\",\"changes\":[],\"pad\":\""
                + "x".repeat(100_000) + "\"}");
        HttpResponse<byte[]> badLimit = call("GET", "/v1/changes?node=n1&limit=lots", alice, null);
        HttpResponse<byte[]> badCursor = call("GET", "/v1/changes?node=n1&cursor=forged", alice, null);
        HttpResponse<byte[]> nowhere = call("GET", "/v2/changes", alice, null);

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(body(malformed).get("message").asText()).startsWith("malformed JSON");
        assertThat(body(unknown).get("message").asText()).contains("unknown field 'extra'").contains("changes, nodeId");
        assertThat(body(wrongType).get("message").asText()).contains("changes[0].hlc").doesNotContain("dev.mooring");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(body(huge).get("message").asText()).contains("send fewer changes per batch");
        assertThat(body(badLimit).get("message").asText()).contains("limit must be a whole number");
        assertThat(body(badCursor).get("message").asText()).contains("is not one this server issued");
        assertThat(nowhere.statusCode()).isEqualTo(404);
        assertThat(call("GET", "/v1/changes?node=n1", alice, null).statusCode()).isEqualTo(200);
    }

    @Test
    void largeResponsesAreCompressedWhenTheClientAcceptsIt() throws Exception {
        StringBuilder rows = new StringBuilder("INSERT INTO holidays (id, name) VALUES ");
        for (int i = 0; i < 300; i++) {
            rows.append(i == 0 ? "" : ",").append("('h").append(i).append("', 'a public holiday with a long name ").append(i).append("')");
        }
        execute(pg.dataSource(), rows.toString());

        HttpResponse<byte[]> r = call("GET", "/v1/changes?node=n1&limit=300", alice, null, "Accept-Encoding", "gzip");

        assertThat(r.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(body(r).get("changes")).hasSize(300);
    }

    @Test
    void gzipRequestBodiesAreInflatedAndHeldToTheSizeLimit() throws Exception {
        byte[] push = push("phone", upsert("phone", 1, T, "notes", "00000000-0000-0000-0000-000000000007",
                "title", "sent compressed")).getBytes(StandardCharsets.UTF_8);
        byte[] bomb = ("{\"nodeId\":\"n1\",\"changes\":[],\"pad\":\"" + " ".repeat(1_000_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> zipped = post("/v1/changes", gzip(push), "Content-Encoding", "gzip");
        HttpResponse<byte[]> inflatesTooFar = post("/v1/changes", gzip(bomb), "Content-Encoding", "gzip");
        HttpResponse<byte[]> notGzip = post("/v1/changes", push, "Content-Encoding", "gzip");
        HttpResponse<byte[]> brotli = post("/v1/changes", push, "Content-Encoding", "br");

        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(body(zipped).get("results").get(0).get("status").asText()).isEqualTo("applied");
        assertThat(gzip(bomb).length).as("small on the wire").isLessThan(64 * 1024);
        assertThat(inflatesTooFar.statusCode()).isEqualTo(413);
        assertThat(body(inflatesTooFar).get("error").asText()).isEqualTo("too_large");
        assertThat(notGzip.statusCode()).isEqualTo(400);
        assertThat(body(notGzip).get("message").asText()).contains("not complete gzip data");
        assertThat(brotli.statusCode()).isEqualTo(415);
        assertThat(body(brotli).get("message").asText()).contains("Content-Encoding 'br' is not supported");
    }

    HttpResponse<byte[]> post(String path, byte[] body, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + alice)
                .headers(headers).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void aManualConflictIsListedAndSettledOverHttp() throws Exception {
        String id = "00000000-0000-0000-0000-000000000002";
        call("POST", "/v1/changes", alice, push("phone", upsert("phone", 1, T, "notes", id, "title", "phone")));
        JsonNode queued = body(call("POST", "/v1/changes", alice, push("laptop", upsert("laptop", 1, T + 100, "notes",
                id, "title", "laptop"))));
        assertThat(queued.get("results").get(0).get("status").asText()).isEqualTo("conflict_queued");

        JsonNode list = body(call("GET", "/v1/conflicts", alice, null));
        assertThat(body(call("GET", "/v1/conflicts", bob, null))).isEmpty();
        long conflict = list.get(0).get("id").asLong();
        HttpResponse<byte[]> byBob = call("POST", "/v1/conflicts/" + conflict + "/resolve", bob, "{\"choice\":\"client\"}");
        HttpResponse<byte[]> resolved = call("POST", "/v1/conflicts/" + conflict + "/resolve", alice, "{\"choice\":\"client\"}");

        assertThat(byBob.statusCode()).isEqualTo(400);
        assertThat(resolved.statusCode()).isEqualTo(200);
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT title FROM notes")).isEqualTo("laptop");
        JsonNode health = body(call("GET", "/v1/health", admin, null));
        assertThat(health.get("pendingConflicts").asLong()).isZero();
        assertThat(body(call("GET", "/v1/sessions", alice, null))).isNotEmpty();
    }

    @Test
    void theHealthReportCarriesTheServersChecks() throws Exception {
        JsonNode ok = body(call("GET", "/v1/health", admin, null));
        backupHealthy = false;
        JsonNode failing = body(call("GET", "/v1/health", admin, null));

        assertThat(ok.get("checks").get("backup").get("healthy").asBoolean()).isTrue();
        assertThat(failing.get("checks").get("backup").get("healthy").asBoolean()).isFalse();
        assertThat(failing.get("checks").get("backup").get("detail").get("exitCode").asInt()).isEqualTo(12);
        assertThat(failing.get("checks").get("broken").get("healthy").asBoolean()).isFalse();
        assertThat(failing.get("checks").get("broken").get("summary").asText()).isEqualTo("could not check: the check itself failed");
        assertThat(failing.get("sessionsLastHour")).isNotNull();
    }
}
