package dev.mooring.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.SyncJson;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics} over real HTTP: what the server did, in Prometheus text, for admins only. */
class SyncMetricsTest {
    static final long T = System.currentTimeMillis();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = SyncJson.mapper();
    SyncServer server;
    String alice;
    String bob;
    String admin;

    @BeforeEach
    void start() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncConfig config = SyncTestSupport.config();
        SyncSchema.install(pg.dataSource(), config);
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withAlerts(AlertSettings.defaults()));
        Tokens tokens = Tokens.create(pg.dataSource());
        alice = tokens.issue("alice", "test").token();
        bob = tokens.issue("bob", "test").token();
        admin = tokens.issueAdmin("ops", "prometheus").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<String> call(SyncServer on, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.uri() + path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String push(String node, dev.mooring.sync.RowChange... changes) throws Exception {
        return json.writeValueAsString(new PushRequest(node, List.of(changes)));
    }

    @Test
    void metricsCountWhatTheServerDidInPrometheusText() throws Exception {
        String id = "00000000-0000-0000-0000-000000000001";
        call(server, "POST", "/v1/handshake", alice, "{\"nodeId\":\"phone\",\"schemaVersion\":\"20260210143000\",\"capabilities\":[]}");
        call(server, "POST", "/v1/changes", alice, push("phone", upsert("phone", 1, T, "notes", id, "title", "mine"),
                upsert("phone", 2, T, "notes", "not-a-uuid", "title", "bad id")));
        call(server, "POST", "/v1/changes", bob, push("bobs-phone",
                upsert("bobs-phone", 1, T + 5, "notes", id, "title", "bob was here")));
        call(server, "GET", "/v1/changes?node=laptop", alice, null);
        execute(pg.dataSource(), "INSERT INTO mooring.conflicts (table_name, record_id, audience, client_node, client_hlc,"
                + " client_seq, rule, result, status) VALUES ('notes', '" + id + "', 'alice', 'phone', 'x', 3,"
                + " 'lww-column', 'server', 'pending')");
        server.metrics().refreshNow();

        HttpResponse<String> metrics = call(server, "GET", "/metrics", admin, null);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String text = metrics.body();
        assertThat(text)
                .contains("mooring_push_changes_total{result=\"applied\"} 1.0")
                .contains("mooring_push_changes_total{result=\"rejected\"} 2.0")
                .contains("mooring_rejected_changes_total{reason=\"invalid\"} 1.0")
                .contains("mooring_rejected_changes_total{reason=\"permission\"} 1.0")
                .contains("mooring_sync_sessions_total{kind=\"handshake\",outcome=\"ok\"} 1.0")
                .contains("mooring_sync_sessions_total{kind=\"push\",outcome=\"ok\"} 2.0")
                .contains("mooring_pull_changes_total 1.0")
                .containsPattern("mooring_pull_bytes_total [1-9]")
                .containsPattern("mooring_push_bytes_total [1-9]")
                .contains("mooring_http_requests_seconds_count{method=\"POST\",route=\"/v1/changes\",status=\"200\"} 2")
                .contains("mooring_change_log_rows 1.0")
                .contains("mooring_nodes 3.0") // phone, bobs-phone, and laptop, which pulled
                .contains("mooring_database_up 1.0")
                .contains("mooring_conflicts_pending 1.0")
                .contains("mooring_conflicts_last_hour{rule=\"lww-column\"} 1.0")
                .contains("mooring_change_log_oldest_undelivered_age_seconds")
                .contains("mooring_live_connections 0.0")
                .contains("mooring_alert{alert=\"pending-conflicts\"} 0.0")
                .contains("jvm_memory_used_bytes");
        assertThat(text).doesNotContain(alice).doesNotContain(bob).doesNotContain(admin);
    }

    @Test
    void aUserTokenCannotReadTheMetrics() throws Exception {
        HttpResponse<String> metrics = call(server, "GET", "/metrics", alice, null);
        HttpResponse<String> none = call(server, "GET", "/metrics", null, null);

        assertThat(metrics.statusCode()).isEqualTo(403);
        assertThat(metrics.body()).contains("admin token").contains("mooring token create --admin");
        assertThat(none.statusCode()).isEqualTo(401);
    }

    @Test
    void metricsKeepAnsweringWhenTheDatabaseIsDown() throws Exception {
        EmbeddedPostgresServer own = EmbeddedPostgresServer.startTemporary();
        SyncServer onOwn = null;
        boolean stopped = false;
        try {
            own.createDatabaseIfMissing("app");
            execute(own.dataSource("app"), SyncTestSupport.SCHEMA);
            SyncSchema.install(own.dataSource("app"), SyncTestSupport.config());
            onOwn = SyncServer.start(own.dataSource("app"), SyncTestSupport.config(), ServerOptions.defaults().withPort(0)
                    .withAdminPort(0));
            URI admin = onOwn.adminUri().orElseThrow();
            onOwn.metrics().refreshNow();
            HttpResponse<String> before = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            own.close();
            stopped = true;

            onOwn.metrics().refreshNow();
            // on a loopback admin port no token is checked, so nothing of the scrape touches the database
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(admin.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.body()).contains("mooring_database_up 1.0").contains("mooring_change_log_rows 0.0");
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(after.body()).contains("mooring_database_up 0.0").contains("mooring_change_log_rows 0.0");
        } finally {
            if (onOwn != null) {
                onOwn.close();
            }
            if (!stopped) {
                own.close();
            }
        }
    }
}
