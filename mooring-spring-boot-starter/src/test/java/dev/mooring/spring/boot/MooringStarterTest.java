package dev.mooring.spring.boot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncService;
import dev.mooring.server.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One application with everything on: migrations on start, sync with its own HTTP server, and the actuator over the
 * application's real web server. Its migrations come from the class path and from a folder a test adds to.
 */
@SpringBootTest(classes = {TestApplication.class, MooringStarterTest.StartupReaders.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
                "mooring.sync.config=classpath:sync.yaml",
                "mooring.sync.server.enabled=true",
                "mooring.sync.server.port=0",
                "mooring.sync.server.admin-port=0",
                "management.endpoints.web.exposure.include=health,mooring",
                "management.endpoint.health.show-details=always"})
@DirtiesContext
class MooringStarterTest {
    private static final DatabaseUrl DATABASE = TestDatabases.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path moreMigrations;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, DATABASE);
        registry.add("mooring.migrate.locations", () -> "classpath:db/migration,filesystem:" + moreMigrations);
    }

    @LocalServerPort
    int port;

    @Autowired
    StartupReaders readers;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Migrator migrator;

    @Autowired
    SyncServer syncServer;

    @Autowired
    SyncService syncService;

    @Autowired
    DataSource dataSource;

    /** Beans that read the database while the context starts: they see it migrated. */
    @Configuration(proxyBeanMethods = false)
    static class StartupReaders {
        final List<String> seen = new ArrayList<>();

        @Bean
        Boolean pinnedColumnAtCreation(JdbcTemplate jdbc) {
            seen.add("bean: notes.pinned " + columnExists(jdbc, "pinned"));
            return Boolean.TRUE;
        }

        @Bean
        ApplicationRunner runner(JdbcTemplate jdbc) {
            return args -> seen.add("runner: notes.pinned " + columnExists(jdbc, "pinned"));
        }
    }

    @Test
    void migratesBeforeJdbcTemplateUsersAndApplicationRunners() {
        assertThat(readers.seen).containsExactly("bean: notes.pinned true", "runner: notes.pinned true");
        assertThat(jdbc.queryForList("SELECT version FROM schema_version WHERE success ORDER BY installed_rank",
                String.class)).startsWith("001", "002");
    }

    @Test
    void actuatorEndpointListsAppliedMigrationsAndSyncHealth() throws Exception {
        JsonNode body = getJson(URI.create("http://localhost:" + port + "/actuator/mooring"), null, 200);

        JsonNode migrations = body.path("migrations");
        assertThat(migrations.path("dialect").asText()).isEqualTo("postgresql");
        assertThat(migrations.path("table").asText()).isEqualTo("schema_version");
        assertThat(migrations.path("migrations").get(0).path("script").asText()).isEqualTo("001_create_notes.sql");
        assertThat(migrations.path("migrations").get(0).path("state").asText()).isEqualTo("APPLIED");
        assertThat(migrations.path("migrations").get(0).path("appliedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
        assertThat(migrations.path("migrations").get(1).path("description").asText()).isEqualTo("Add notes.pinned");
        assertThat(body.path("sync").has("changeLogRows")).isTrue();
        assertThat(body.path("sync").has("sessionsLastHour")).isTrue();
    }

    @Test
    void healthIsOutOfServiceWhileAMigrationIsPending() throws Exception {
        URI health = URI.create("http://localhost:" + port + "/actuator/health");
        JsonNode before = getJson(health, null, 200);
        assertThat(before.path("status").asText()).isEqualTo("UP");
        assertThat(before.at("/components/mooring/components/migrations/status").asText()).isEqualTo("UP");
        assertThat(before.at("/components/mooring/components/sync/status").asText()).isEqualTo("UP");
        assertThat(before.at("/components/mooring/components/sync/details").has("nodes")).isTrue();

        Files.writeString(moreMigrations.resolve("900_add_notes_color.sql"),
                "ALTER TABLE notes ADD COLUMN color text;\n");
        JsonNode pending = getJson(health, null, 503);
        assertThat(pending.path("status").asText()).isEqualTo("OUT_OF_SERVICE");
        assertThat(pending.at("/components/mooring/components/migrations/status").asText()).isEqualTo("OUT_OF_SERVICE");
        assertThat(pending.at("/components/mooring/components/migrations/details/pending").toString())
                .isEqualTo("[\"900_add_notes_color.sql\"]");
        JsonNode listed = getJson(URI.create("http://localhost:" + port + "/actuator/mooring"), null, 200);
        assertThat(listed.at("/migrations/pending").asLong()).isEqualTo(1);

        migrator.migrate();
        JsonNode after = getJson(health, null, 200);
        assertThat(after.at("/components/mooring/components/migrations/status").asText()).isEqualTo("UP");
        assertThat(after.at("/components/mooring/components/migrations/details/currentVersion").asText()).isEqualTo("900");
    }

    @Test
    void syncServerServesTheSyncApiOnItsOwnPort() throws Exception {
        assertThat(syncServer.port()).isPositive().isNotEqualTo(port);
        assertThat(syncService).isSameAs(syncServer.sync());
        UUID note = UUID.randomUUID();
        jdbc.update("INSERT INTO notes (id, user_id, body) VALUES (?, 'alice', 'written by the application')", note);
        String token = Tokens.create(dataSource).issue("alice", "test").token();

        JsonNode page = getJson(URI.create(syncServer.uri() + "/v1/changes?node=phone-1"), token, 200);

        assertThat(page.toString()).contains(note.toString(), "written by the application");
        getJson(URI.create(syncServer.uri() + "/v1/changes?node=phone-1"), null, 401);
    }

    @Test
    void theSyncServersAdminPortServesHealthAndTheApplicationsMetrics() throws Exception {
        URI admin = syncServer.adminUri().orElseThrow();

        JsonNode health = getJson(URI.create(admin + "/v1/health"), null, 200);
        HttpResponse<String> metrics = HTTP.send(HttpRequest.newBuilder(URI.create(admin + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(admin.getHost()).isEqualTo("127.0.0.1");
        assertThat(health.has("pendingConflicts")).isTrue();
        assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
        // the server's metrics are in the application's registry, beside Spring Boot's own (its JVM binders, once)
        assertThat(metrics.body()).contains("mooring_live_connections").contains("jvm_memory_used_bytes")
                .contains("application_ready_time_seconds");
    }

    private static JsonNode getJson(URI uri, String token, int expectedStatus) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri + " answered " + response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    private static boolean columnExists(JdbcTemplate jdbc, String column) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM information_schema.columns"
                + " WHERE table_name = 'notes' AND column_name = ?)", Boolean.class, column));
    }
}
