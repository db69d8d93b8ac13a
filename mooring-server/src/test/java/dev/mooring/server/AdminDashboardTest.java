package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;

import static dev.mooring.server.AdminDashboardSeed.HOSTILE;
import static dev.mooring.server.AdminDashboardSeed.TOP_USER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code GET /admin} and its figures, {@code GET /v1/admin/dashboard}, over real HTTP against the seeded figures of
 * {@link AdminDashboardSeed}: for an admin token on the main port and without one on a loopback admin port; refused
 * to a user token (403) and to no token (401).
 */
class AdminDashboardTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    static final HttpClient http = HttpClient.newHttpClient();
    static final ObjectMapper json = new ObjectMapper();
    static SyncServer server;
    static String admin;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        SyncTestSupport.execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL),
                SyncedTable.publicRead("holidays"));
        SyncSchema.install(pg.dataSource(), config);
        AdminDashboardSeed.seed(pg.dataSource());
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0).withAdminPort(0)
                .withAlerts(AlertSettings.defaults()));
        Tokens tokens = Tokens.create(pg.dataSource());
        admin = tokens.issueAdmin("ops", "dashboard").token();
        alice = tokens.issue("alice", "phone").token();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> call(URI base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminTokenReadsTheFiguresOfEverySection() throws Exception {
        server.alerts().orElseThrow().evaluateNow();

        HttpResponse<String> r = call(server.uri(), "GET", "/v1/admin/dashboard", admin, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode f = json.readTree(r.body());
        assertThat(f.get("viewer").asText()).isEqualTo("ops");

        JsonNode health = f.get("health");
        assertThat(health.get("sessionsLastHour").asLong()).isEqualTo(40);
        assertThat(health.get("failedLastHour").asLong()).isEqualTo(37);
        assertThat(health.get("conflictRate").asDouble()).isEqualTo(0.125);
        assertThat(health.get("pendingConflicts").asLong()).isEqualTo(1);
        assertThat(health.get("nodes").asLong()).isEqualTo(3);
        assertThat(health.get("changeLogRows").asLong()).isEqualTo(2);
        assertThat(f.get("alerts")).extracting(a -> a.get("key").asText() + " " + a.get("firing").asBoolean())
                .contains("failed-syncs-per-hour true", "conflict-rate true", "pending-conflicts false");
        assertThat(f.get("alerts").findValuesAsText("description")).contains("37 syncs failed in the last hour");

        JsonNode days = f.get("syncsPerDay");
        assertThat(days).hasSize(AdminDashboard.DAYS);
        assertThat(days.get(days.size() - 1).get("day").asText()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(days.findValues("sessions").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(50);
        assertThat(days.findValues("failed").stream().mapToLong(JsonNode::asLong).sum()).isEqualTo(37);
        assertThat(f.get("conflictRate").get("lastHour").asDouble()).isEqualTo(0.125);
        assertThat(f.get("conflictRate").get("conflictsLastWeek").asLong()).isEqualTo(5);
        assertThat(f.get("conflictRate").get("changesLastWeek").asLong()).isEqualTo(60);
        assertThat(f.get("conflictRate").get("lastWeek").asDouble()).isCloseTo(5 / 60.0, within(1e-9));

        assertThat(f.get("failedSyncs")).hasSize(20);
        assertThat(f.get("failedSyncs").get(0).get("error").asText()).isEqualTo(AdminDashboardSeed.ERROR);
        assertThat(f.get("failedSyncs").get(0).get("userId").asText()).isEqualTo("alice");

        assertThat(f.get("topUsers")).extracting(u -> u.get("userId").asText() + " " + u.get("pushed").asLong() + " "
                + u.get("pulled").asLong() + " " + u.get("syncs").asLong() + " " + u.get("failed").asLong())
                .containsExactly(TOP_USER + " 40 0 3 0", "bob 0 20 10 0", "alice 0 0 37 37");

        assertThat(f.get("nodesBehind").get("count").asLong()).isEqualTo(1);
        assertThat(f.get("nodesBehind").get("oldest").get(0).get("nodeId").asText()).isEqualTo("alice-phone");

        assertThat(f.get("waiting")).hasSize(1);
        assertThat(f.get("waiting").get(0).get("recordId").asText()).isEqualTo(AdminDashboardSeed.WAITING_ROW);
        assertThat(f.get("waiting").get(0).get("clientVersion").get("title").asText()).isEqualTo(HOSTILE);
        assertThat(f.get("recentConflicts").findValuesAsText("rule")).contains("manual", "lww-column");
    }

    @Test
    void aUserTokenGets403SayingAnAdminTokenIsNeededAndNoTokenGets401() throws Exception {
        HttpResponse<String> user = call(server.uri(), "GET", "/v1/admin/dashboard", alice, null);
        HttpResponse<String> none = call(server.uri(), "GET", "/v1/admin/dashboard", null, null);

        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(json.readTree(user.body()).get("message").asText()).isEqualTo("GET /v1/admin/dashboard needs an"
                + " admin token; create one with mooring token create --admin");
        assertThat(user.body()).doesNotContain(TOP_USER);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void aLoopbackAdminPortServesTheFiguresWithoutAToken() throws Exception {
        HttpResponse<String> r = call(server.adminUri().orElseThrow(), "GET", "/v1/admin/dashboard", null, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("viewer").asText()).isEqualTo("admin-port");
    }

    @Test
    void thePageItsScriptAndStyleCarryNoDataAndForbidInlineCode() throws Exception {
        for (String[] asset : new String[][]{{"/admin", "text/html"}, {"/admin/dashboard.js", "text/javascript"},
                {"/admin/dashboard.css", "text/css"}}) {
            HttpResponse<String> r = call(server.uri(), "GET", asset[0], null, null);

            assertThat(r.statusCode()).as(asset[0]).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(asset[1]);
            assertThat(r.headers().firstValue("Content-Security-Policy")).hasValue(AdminDashboard.CONTENT_SECURITY_POLICY);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.body()).doesNotContain(TOP_USER).doesNotContain("alice");
        }
        String page = call(server.uri(), "GET", "/admin", null, null).body();
        assertThat(page).contains("<script src=\"/admin/dashboard.js\" defer></script>")
                .doesNotContain("<script>").doesNotContain("<style").doesNotContain("style=");
        assertThat(call(server.uri(), "GET", "/admin/dashboard.js", null, null).body()).doesNotContain("innerHTML");
    }

    @Test
    void aConflictResolvedAsTheDashboardsButtonsDoLeavesTheWaitingList() throws Exception {
        String id = SyncTestSupport.scalar(pg.dataSource(), """
                INSERT INTO mooring.conflicts (table_name, record_id, audience, server_version, client_version,
                                               client_node, client_hlc, client_seq, rule, result, status)
                VALUES ('notes', '%s', '%s', '{"title": "x"}', '{"title": "y"}', 'zeb-laptop', '2-0-zeb-laptop', 8,
                        'manual', 'pending', 'pending')
                RETURNING id
                """.formatted(AdminDashboardSeed.WAITING_ROW, TOP_USER));
        assertThat(waitingIds()).contains(id);

        HttpResponse<String> resolved = call(server.uri(), "POST", "/v1/conflicts/" + id + "/resolve", admin,
                "{\"choice\":\"server\"}");

        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        assertThat(waitingIds()).doesNotContain(id);
    }

    static java.util.List<String> waitingIds() throws Exception {
        return json.readTree(call(server.uri(), "GET", "/v1/admin/dashboard", admin, null).body()).get("waiting")
                .findValuesAsText("id");
    }
}
