package dev.mooring.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static dev.mooring.server.SyncTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The probes against a PostgreSQL server of the test's own, which it stops mid-test, behind a connection pool that
 * waits for a connection longer than a probe may take: readiness follows the database and the sync schema and answers
 * soon when the database is gone, liveness stays up.
 */
class ReadinessProbeTest {
    /** Well above the readiness timeout, well below the pool's: a probe that waited for the pool would miss it. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(5);
    /**
     * The pool's wait for a connection (the CLI's pool waits 30 s). Not longer: the server's live watcher holds on to
     * its wait when the server closes, so the test's end waits for it too.
     */
    static final Duration POOL_WAIT = Duration.ofSeconds(10);

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyFollowsTheDatabaseAndTheSchemaAndLiveStaysUpWhenTheDatabaseStops() throws Exception {
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary();
        HikariDataSource pool = null;
        SyncServer server = null;
        boolean stopped = false;
        try {
            postgres.createDatabaseIfMissing("probes");
            execute(postgres.dataSource("probes"), SyncTestSupport.SCHEMA);
            SyncSchema.install(postgres.dataSource("probes"), SyncTestSupport.config());
            HikariConfig config = new HikariConfig();
            config.setDataSource(postgres.dataSource("probes"));
            config.setConnectionTimeout(POOL_WAIT.toMillis());
            pool = new HikariDataSource(config);
            server = SyncServer.start(pool, SyncTestSupport.config(), ServerOptions.defaults().withPort(0).withAdminPort(0));
            List<URI> ports = List.of(server.uri(), server.adminUri().orElseThrow());
            String newest = "(SELECT max(version) FROM mooring.schema_version)";

            assertThat(probe(ports.get(0), "ready").statusCode()).isEqualTo(200);
            execute(pool, "UPDATE mooring.schema_version SET success = false WHERE version = " + newest);
            HttpResponse<String> behind = probe(ports.get(0), "ready");
            execute(pool, "UPDATE mooring.schema_version SET success = true WHERE version = " + newest);
            assertThat(behind.statusCode()).as("a sync schema migration not applied").isEqualTo(503);
            assertThat(behind.body()).isEqualTo("{\"status\":\"DOWN\"}");
            assertThat(probe(ports.get(1), "ready").statusCode()).isEqualTo(200);

            postgres.close();
            stopped = true;

            // the first may fail at once (on a pooled connection the stop broke); the next start a check that waits
            // for the pool, or find one waiting, and answer at the readiness timeout
            for (int probe = 0; probe < 3; probe++) {
                HttpResponse<String> ready = probe(server.uri(), "ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).isEqualTo("{\"status\":\"DOWN\"}");
            }
            for (URI port : ports) {
                HttpResponse<String> live = probe(port, "live");
                assertThat(live.statusCode()).as(port + " live").isEqualTo(200);
                assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
            }
        } finally {
            if (server != null) {
                server.close();
            }
            if (pool != null) {
                pool.close();
            }
            if (!stopped) {
                postgres.close();
            }
        }
    }

    /** One probe; the client gives up after {@link #ANSWER_WITHIN}, failing the test. */
    HttpResponse<String> probe(URI base, String which) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/healthz/" + which)).timeout(ANSWER_WITHIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
