package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.mooring.server.SyncTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies and paths that are not what a route takes, over real HTTP: every one gets a 4xx with the JSON error
 * body ({@code {"error", "message"}}), never a 500 or the web server's own HTML page, and the server keeps serving.
 */
class SyncServerBadInputTest {
    /** JSON that parses but is not the object a route takes, and no JSON at all. */
    static final List<String> NOT_AN_OBJECT = List.of("null", "[]", "[{}]", "\"text\"", "42", "true", "");

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path packages;

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    SyncServer server;
    String alice;

    @BeforeEach
    void start() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncTestSupport.config();
        SyncSchema.install(pg.dataSource(), config);
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withPackagesDir(packages));
        alice = Tokens.create(pg.dataSource()).issue("alice", "test").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> call(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts a 4xx answered with the protocol's JSON error body; returns that body. */
    JsonNode assertJsonError(String what, int status, String contentType, String body) throws Exception {
        assertThat(status).as(what + ": " + body).isBetween(400, 499);
        assertThat(contentType).as(what + ": " + body).startsWith("application/json");
        JsonNode error = json.readTree(body);
        assertThat(error.path("error").asText()).as(what + ": " + body).isNotBlank();
        assertThat(error.path("message").asText()).as(what + ": " + body).isNotBlank();
        return error;
    }

    @Test
    void aBodyThatIsNotAJsonObjectGetsFourHundredOnEveryPostRoute() throws Exception {
        for (String route : List.of("/v1/handshake", "/v1/changes", "/v1/conflicts/1/resolve", "/v1/packages")) {
            for (String body : NOT_AN_OBJECT) {
                HttpResponse<String> r = call("POST", route, body);
                JsonNode error = assertJsonError("POST " + route + " " + body, r.statusCode(),
                        r.headers().firstValue("Content-Type").orElse(""), r.body());
                assertThat(r.statusCode()).as(route + " " + body).isEqualTo(400);
                assertThat(error.get("error").asText()).isEqualTo("bad_request");
            }
        }
        assertThat(call("POST", "/v1/handshake", "{\"nodeId\":\"n1\",\"schemaVersion\":\"1\",\"capabilities\":[]}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void badPathInputGetsAJsonErrorNotTheWebServersPage() throws Exception {
        for (String path : List.of("/v1/packages/%00", "/v1/packages/%zz", "/v1/packages/a%2Fb", "/v1/packages/%2e%2e",
                "/v1/%00", "/v1/conflicts/%00/resolve", "/%00", "/v1/packages/%C0%AF", "/v1/changes?node=%00",
                "/v1/packages/a b")) {
            String method = path.contains("resolve") ? "POST" : "GET";
            Raw r = raw(method, path);
            assertJsonError(method + " " + path, r.status(), r.contentType(), r.body());
        }
        assertThat(call("GET", "/v1/packages", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aLiveWaitWithABadArgumentGetsFourHundredNamingItAndAGoodOneAnswers() throws Exception {
        for (String query : List.of("?wait=0", "?wait=26", "?wait=soon", "?wait=-1", "?cursor=c1.x.1&wait=1",
                "?cursor=nonsense&wait=1")) {
            HttpResponse<String> r = call("GET", "/v1/changes/wait" + query, null);
            JsonNode error = assertJsonError("GET /v1/changes/wait" + query, r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(""), r.body());
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(error.get("message").asText()).as(query).containsAnyOf("wait", "cursor");
        }
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(server.uri()
                + "/v1/changes/wait?wait=1")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        // no cursor yet: a fresh client should sync at once
        HttpResponse<String> fresh = call("GET", "/v1/changes/wait?wait=1", null);
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(json.readTree(fresh.body()).get("changes").asBoolean()).isTrue();
        // a cursor at the feed's end: nothing comes, and the wait runs out with false
        HttpResponse<String> page = call("GET", "/v1/changes?node=n1&limit=10", null);
        String cursor = json.readTree(page.body()).get("nextCursor").asText();
        while (json.readTree(page.body()).path("hasMore").asBoolean()) {
            page = call("GET", "/v1/changes?node=n1&limit=10&cursor=" + cursor, null);
            cursor = json.readTree(page.body()).get("nextCursor").asText();
        }
        page = call("GET", "/v1/changes?node=n1&limit=10&cursor=" + cursor, null);
        cursor = json.readTree(page.body()).get("nextCursor").asText();
        HttpResponse<String> quiet = call("GET", "/v1/changes/wait?wait=1&cursor=" + cursor, null);
        assertThat(quiet.statusCode()).isEqualTo(200);
        assertThat(json.readTree(quiet.body()).get("changes").asBoolean()).isFalse();
    }

    record Raw(int status, String contentType, String body) {
    }

    /** One request written by hand: java.net.http refuses to send some of these paths at all. */
    Raw raw(String method, String path) throws Exception {
        try (Socket socket = new Socket("localhost", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + alice
                    + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, headEnd);
            String body = answer.substring(headEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            String type = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(13).strip()).findFirst().orElse("");
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Raw(status, type, body);
        }
    }

    static String unchunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int line = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, line).strip(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, line + 2, line + 2 + size);
            at = line + 2 + size + 2;
        }
    }
}
