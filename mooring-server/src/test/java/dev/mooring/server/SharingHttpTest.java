package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.SyncJson;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static dev.mooring.server.SyncTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/** Shared data over real HTTP: the wire form of a move-out, a refused write, a refused subscription. */
class SharingHttpTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = SyncJson.mapper();
    SyncServer server;
    String alice;
    String bob;
    long seq;

    @BeforeEach
    void start() throws Exception {
        execute(pg.dataSource(), SharingTest.SCHEMA);
        execute(pg.dataSource(), "INSERT INTO users VALUES ('" + SharingTest.ALICE + "', 'alice@example.com', 'Alice'),"
                + " ('" + SharingTest.BOB + "', 'bob@example.com', 'Bob')");
        SyncConfig config = SyncConfigFile.parse(SharingTest.RULES, "rules");
        SyncSchema.install(pg.dataSource(), config);
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0));
        Tokens tokens = Tokens.create(pg.dataSource());
        alice = tokens.issue(SharingTest.ALICE, "test").token();
        bob = tokens.issue(SharingTest.BOB, "test").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    JsonNode call(String method, String path, String token, String body, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        byte[] bytes = r.body();
        if ("gzip".equals(r.headers().firstValue("Content-Encoding").orElse(""))) {
            bytes = new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes();
        }
        assertThat(r.statusCode()).as(new String(bytes)).isEqualTo(status);
        return json.readTree(bytes);
    }

    JsonNode push(String token, String node, String table, String id, String values) throws Exception {
        return call("POST", "/v1/changes", token, """
                {"nodeId": "%s", "changes": [{"table": "%s", "id": "%s", "op": "upsert", "values": %s,
                 "hlc": "%015d-00000-%s", "nodeId": "%s", "clientSeq": %d}]}
                """.formatted(node, table, id, values, System.currentTimeMillis(), node, node, ++seq), 200)
                .path("results").get(0);
    }

    List<JsonNode> pullAll(String token, String node, String[] cursor) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        JsonNode page;
        do {
            page = call("GET", "/v1/changes?node=" + node + "&limit=50" + (cursor[0] == null ? "" : "&cursor=" + cursor[0]),
                    token, null, 200);
            page.path("changes").forEach(all::add);
            cursor[0] = page.path("nextCursor").asText();
        } while (page.path("hasMore").asBoolean());
        return all;
    }

    @Test
    void aMoveOutIsARemoveOnTheWireAndARefusedWriteCarriesTheServersRow() throws Exception {
        String event = UUID.randomUUID().toString();
        String share = UUID.randomUUID().toString();
        assertThat(push(alice, "alice-phone", "events", event,
                "{\"user_id\": \"" + SharingTest.ALICE + "\", \"title\": \"Tet\"}").path("status").asText()).isEqualTo("applied");
        assertThat(push(alice, "alice-phone", "shares", share, "{\"user_id\": \"" + SharingTest.ALICE
                + "\", \"shared_with_user_id\": \"" + SharingTest.BOB + "\", \"event_id\": \"" + event
                + "\", \"accepted_at\": \"2026-12-06T10:00:00Z\"}").path("status").asText()).isEqualTo("applied");
        String[] cursor = {null};
        List<JsonNode> seen = pullAll(bob, "bob-phone", cursor);
        assertThat(seen).anySatisfy(ch -> {
            assertThat(ch.path("table").asText()).isEqualTo("users");
            assertThat(ch.path("id").asText()).isEqualTo(SharingTest.ALICE);
            assertThat(ch.path("values").has("email")).isFalse();
        });
        assertThat(seen).anySatisfy(ch -> assertThat(ch.path("id").asText()).isEqualTo(event));

        JsonNode refused = push(bob, "bob-phone", "events", event, "{\"title\": \"Bob's\"}");
        assertThat(refused.path("status").asText()).isEqualTo("rejected");
        assertThat(refused.path("reason").asText()).contains("viewing only");
        assertThat(refused.path("current").path("title").asText()).isEqualTo("Tet");

        assertThat(push(alice, "alice-phone", "shares", share, "{\"deleted_at\": \"2026-12-06T11:00:00Z\"}")
                .path("status").asText()).isEqualTo("applied");
        assertThat(pullAll(bob, "bob-phone", cursor)).anySatisfy(ch -> {
            assertThat(ch.path("id").asText()).isEqualTo(event);
            assertThat(ch.path("op").asText()).isEqualTo("remove");
            assertThat(ch.path("values").size()).isZero();
        });
    }

    @Test
    void aSubscriptionAskingForMoreThanTheRulesAllowIsA400NamingIt() throws Exception {
        String group = UUID.randomUUID().toString();
        push(alice, "alice-phone", "groups", group, "{\"user_id\": \"" + SharingTest.ALICE + "\", \"name\": \"Family\"}");
        JsonNode error = call("POST", "/v1/handshake", bob, """
                {"nodeId": "bob-phone", "schemaVersion": "1", "capabilities": [],
                 "subscription": {"groups": {"id": ["%s"]}}}
                """.formatted(group), 400);
        assertThat(error.path("message").asText()).contains("subscription groups.id is refused")
                .contains("not shared with you");
        assertThat(call("POST", "/v1/handshake", bob, """
                {"nodeId": "bob-phone", "schemaVersion": "1", "capabilities": [],
                 "subscription": {"events": {"title": ["x"]}}}
                """, 400).path("message").asText()).contains("subscription events.title is refused");
    }
}
