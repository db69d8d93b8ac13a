package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.SyncJson;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * User and admin tokens, the probes and the admin port, over real HTTP against one database and two servers shared by
 * the class: {@code server} with its admin port on loopback (no token there), {@code exposed} with its admin port on
 * every interface (an admin token there). Alice and Bob each have sessions and a queued conflict.
 */
class SyncServerAccessTest {
    static final String NEEDS_ADMIN = "needs an admin token; create one with mooring token create --admin";
    static final long T = System.currentTimeMillis();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = SyncJson.mapper();
    static SyncServer server;
    static SyncServer exposed;
    static String alice;
    static String bob;
    static String admin;
    static long bobsConflict;

    @BeforeAll
    static void start() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL),
                SyncedTable.publicRead("holidays"));
        SyncSchema.install(pg.dataSource(), config);
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0).withAdminPort(0));
        exposed = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0).withAdminPort(0)
                .withAdminHost("0.0.0.0"));
        Tokens tokens = Tokens.create(pg.dataSource());
        alice = tokens.issue("alice", "phone").token();
        bob = tokens.issue("bob", "phone").token();
        admin = tokens.issueAdmin("ops", "on-call").token();
        queueAConflict(alice, "00000000-0000-0000-0000-00000000000a");
        bobsConflict = queueAConflict(bob, "00000000-0000-0000-0000-00000000000b");
    }

    /** Two devices of the token's user edit one note's title within the manual window; returns the conflict's id. */
    static long queueAConflict(String token, String id) throws Exception {
        for (String node : List.of("phone", "laptop")) {
            RowChange change = upsert(node + "-" + id, 1, T + (node.equals("phone") ? 0 : 100), "notes", id,
                    "title", "from the " + node);
            HttpResponse<String> r = call(server.uri(), "POST", "/v1/changes", token,
                    json.writeValueAsString(new PushRequest(node + "-" + id, List.of(change))));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        return json.readTree(call(server.uri(), "GET", "/v1/conflicts", token, null).body()).get(0).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        server.close();
        exposed.close();
    }

    static HttpResponse<String> call(URI base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode body(HttpResponse<String> r) throws Exception {
        return json.readTree(r.body());
    }

    static URI adminPort(SyncServer s) {
        return s.adminUri().orElseThrow();
    }

    @Test
    void aUserTokenOnAnAdminRouteGets403SayingWhatItNeeds() throws Exception {
        for (String path : List.of("/v1/health", "/v1/sessions?user=bob", "/v1/conflicts?user=bob")) {
            HttpResponse<String> r = call(server.uri(), "GET", path, alice, null);

            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            assertThat(body(r).get("error").asText()).isEqualTo("forbidden");
            assertThat(body(r).get("message").asText()).as(path).contains("needs an admin token")
                    .endsWith("; create one with mooring token create --admin");
        }
        assertThat(body(call(server.uri(), "GET", "/v1/health", alice, null)).get("message").asText())
                .isEqualTo("GET /v1/health " + NEEDS_ADMIN);
        assertThat(body(call(server.uri(), "GET", "/v1/sessions?user=bob", alice, null)).get("message").asText())
                .isEqualTo("GET /v1/sessions?user=bob needs an admin token: a user token sees only its own sessions;"
                        + " create one with mooring token create --admin");
    }

    @Test
    void anAdminTokenSeesEveryUsersHealthSessionsAndConflictsAndResolvesAny() throws Exception {
        HttpResponse<String> health = call(server.uri(), "GET", "/v1/health", admin, null);
        JsonNode sessions = body(call(server.uri(), "GET", "/v1/sessions?limit=100", admin, null));
        JsonNode bobsSessions = body(call(server.uri(), "GET", "/v1/sessions?user=bob", admin, null));
        JsonNode conflicts = body(call(server.uri(), "GET", "/v1/conflicts?all=true", admin, null));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(body(health).get("sessionsLastHour").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(sessions).extracting(s -> s.get("userId").asText()).contains("alice", "bob");
        assertThat(bobsSessions).isNotEmpty().extracting(s -> s.get("userId").asText()).containsOnly("bob");
        assertThat(conflicts).extracting(c -> c.get("recordId").asText())
                .contains("00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b");

        HttpResponse<String> resolved = call(server.uri(), "POST", "/v1/conflicts/" + bobsConflict + "/resolve", admin,
                "{\"choice\":\"server\"}");
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        assertThat(body(resolved).get("resolvedBy").asText()).isEqualTo("ops");
    }

    @Test
    void aUserTokenStillSeesItsOwnSessionsAndConflictsOnly() throws Exception {
        JsonNode sessions = body(call(server.uri(), "GET", "/v1/sessions", alice, null));
        JsonNode named = body(call(server.uri(), "GET", "/v1/sessions?user=alice", alice, null));
        JsonNode conflicts = body(call(server.uri(), "GET", "/v1/conflicts?all=true", alice, null));

        assertThat(sessions).isNotEmpty().extracting(s -> s.get("userId").asText()).containsOnly("alice");
        assertThat(named).hasSameSizeAs(sessions);
        assertThat(conflicts).extracting(c -> c.get("recordId").asText())
                .containsExactly("00000000-0000-0000-0000-00000000000a");
    }

    @Test
    void anAdminTokenDoesNotSync() throws Exception {
        HttpResponse<String> pull = call(server.uri(), "GET", "/v1/changes?node=ops-laptop", admin, null);
        HttpResponse<String> handshake = call(server.uri(), "POST", "/v1/handshake", admin,
                "{\"nodeId\":\"ops-laptop\",\"schemaVersion\":\"1\",\"capabilities\":[]}");

        assertThat(List.of(pull.statusCode(), handshake.statusCode())).containsOnly(403);
        assertThat(body(pull).get("message").asText()).isEqualTo("GET /v1/changes needs a user token: an admin token"
                + " syncs as nobody; create one with mooring token create --user <id>");
    }

    @Test
    void probesAnswerOnBothPortsWithoutATokenAndOnlyAStatus() throws Exception {
        for (URI base : List.of(server.uri(), adminPort(server), exposed.uri(), adminPort(exposed))) {
            for (String probe : List.of("/healthz/live", "/healthz/ready")) {
                HttpResponse<String> r = call(base, "GET", probe, null, null);

                assertThat(r.statusCode()).as(base + probe).isEqualTo(200);
                assertThat(r.body()).as(base + probe).isEqualTo("{\"status\":\"UP\"}");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            }
        }
    }

    @Test
    void aLoopbackAdminPortServesAdminRoutesWithoutATokenAndNoSyncRoutes() throws Exception {
        URI adminPort = adminPort(server);
        HttpResponse<String> health = call(adminPort, "GET", "/v1/health", null, null);
        JsonNode sessions = body(call(adminPort, "GET", "/v1/sessions?limit=100", null, null));
        JsonNode conflicts = body(call(adminPort, "GET", "/v1/conflicts?all=true", null, null));
        HttpResponse<String> pull = call(adminPort, "GET", "/v1/changes?node=n1", alice, null);
        HttpResponse<String> push = call(adminPort, "POST", "/v1/changes", alice, "{}");

        assertThat(adminPort.getHost()).isEqualTo("127.0.0.1");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(body(health).has("pendingConflicts")).isTrue();
        assertThat(sessions).extracting(s -> s.get("userId").asText()).contains("alice", "bob");
        assertThat(conflicts).hasSizeGreaterThanOrEqualTo(2);
        assertThat(List.of(pull.statusCode(), push.statusCode())).containsOnly(404);
        assertThat(body(pull).get("message").asText()).isEqualTo("GET /v1/changes is not served on the admin port;"
                + " the sync API is on port " + server.port());
    }

    /** The request as a browser page of another site, or DNS rebinding, would send it; the raw status line back. */
    static String raw(URI base, String request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return answer.substring(0, answer.indexOf("\r\n")) + "\n" + answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void aLoopbackAdminPortRefusesPagesOfOtherSitesAndRebindingButNotCurlOrItsOwnPages() throws Exception {
        URI adminPort = adminPort(server);
        String rebound = raw(adminPort, "GET /v1/health HTTP/1.1\r\nHost: attacker.example:" + adminPort.getPort()
                + "\r\nConnection: close\r\n\r\n");
        String form = raw(adminPort, "POST /v1/conflicts/1/resolve HTTP/1.1\r\nHost: 127.0.0.1:" + adminPort.getPort()
                + "\r\nOrigin: https://attacker.example\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n"
                + "Connection: close\r\n\r\n{\"choice\":\"server\"}");
        String crossSite = raw(adminPort, "GET /v1/admin/dashboard HTTP/1.1\r\nHost: localhost:" + adminPort.getPort()
                + "\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n");
        String ownPage = raw(adminPort, "GET /v1/admin/dashboard HTTP/1.1\r\nHost: localhost:" + adminPort.getPort()
                + "\r\nSec-Fetch-Site: same-origin\r\nOrigin: http://localhost:" + adminPort.getPort()
                + "\r\nConnection: close\r\n\r\n");
        String curl = raw(adminPort, "GET /v1/health HTTP/1.1\r\nHost: [::1]:" + adminPort.getPort()
                + "\r\nConnection: close\r\n\r\n");

        assertThat(rebound).startsWith("HTTP/1.1 403").contains("addressed to a loopback host");
        assertThat(form).startsWith("HTTP/1.1 403").contains("refused to a web page of another site");
        assertThat(crossSite).startsWith("HTTP/1.1 403");
        assertThat(ownPage).startsWith("HTTP/1.1 200");
        assertThat(curl).startsWith("HTTP/1.1 200");
    }

    @Test
    void anAdminPortOnEveryInterfaceNeedsAnAdminTokenAsTheMainPortDoes() throws Exception {
        for (URI base : List.of(adminPort(exposed), exposed.uri())) {
            HttpResponse<String> none = call(base, "GET", "/v1/health", null, null);
            HttpResponse<String> user = call(base, "GET", "/v1/health", alice, null);
            HttpResponse<String> ok = call(base, "GET", "/v1/health", admin, null);

            assertThat(none.statusCode()).as(base.toString()).isEqualTo(401);
            assertThat(body(none).get("message").asText()).contains("mooring token create --admin");
            assertThat(user.statusCode()).as(base.toString()).isEqualTo(403);
            assertThat(ok.statusCode()).as(base.toString()).isEqualTo(200);
        }
        HttpResponse<String> ownSessions = call(adminPort(exposed), "GET", "/v1/sessions", alice, null);
        assertThat(ownSessions.statusCode()).as("no user routes on the admin port").isEqualTo(403);
        assertThat(body(ownSessions).get("message").asText()).isEqualTo("GET /v1/sessions " + NEEDS_ADMIN);
    }

    @Test
    void noTokenAppearsInAnyResponseOrLog() throws Exception {
        StringBuilder seen = new StringBuilder();
        Handler captured = new Handler() {
            @Override
            public void publish(LogRecord record) {
                synchronized (seen) {
                    seen.append(record.getMessage()).append(' ').append(record.getThrown()).append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        root.addHandler(captured);
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String revoked = Tokens.create(pg.dataSource()).issue("carol", "lost").token();
        Tokens.create(pg.dataSource()).revoke(revoked);
        List<String> tokens = List.of(alice, bob, admin, revoked);
        try {
            List<String> routes = List.of("GET /v1/health", "GET /v1/sessions?user=bob", "GET /v1/conflicts",
                    "GET /v1/changes?node=n9", "POST /v1/changes", "POST /v1/handshake", "POST /v1/conflicts/1/resolve",
                    "GET /v1/packages", "GET /v1/nowhere", "GET /healthz/ready");
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (URI base : List.of(server.uri(), adminPort(server), adminPort(exposed))) {
                for (String route : routes) {
                    String[] parts = route.split(" ");
                    for (String token : tokens) {
                        responses.add(call(base, parts[0], parts[1], token, parts[0].equals("POST") ? "{\"x\":" : null));
                    }
                }
            }
            for (HttpResponse<String> r : responses) {
                seen.append(r.statusCode()).append(' ').append(r.headers().map()).append(' ').append(r.body()).append('\n');
            }
            // the capture sees what the server logs through either route (System.Logger, and slf4j on standard error)
            System.getLogger(SyncServer.class.getName()).log(System.Logger.Level.WARNING, "capture check 1");
            org.slf4j.LoggerFactory.getLogger(SyncServer.class).warn("capture check 2");
        } finally {
            System.setErr(stderr);
            root.removeHandler(captured);
        }
        seen.append(err.toString(StandardCharsets.UTF_8));

        assertThat(seen).contains("capture check 1", "capture check 2", "needs an admin token", "not valid or was revoked", "is not served on the admin port");
        for (String token : tokens) {
            assertThat(seen.toString()).doesNotContain(token).doesNotContain(token.substring(3));
        }
    }
}
