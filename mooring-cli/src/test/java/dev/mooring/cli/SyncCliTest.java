package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.server.Caller;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncedTable;
import dev.mooring.server.Tokens;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.RowChange;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** token, health and conflicts through the command line, against a real PostgreSQL. */
class SyncCliTest {
    static final long T = 1_763_700_000_000L;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    String url;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        url = "postgresql://postgres:Sup3rSecretPw@localhost:" + pg.server().port() + "/" + pg.databaseName();
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id text PRIMARY KEY, user_id text NOT NULL, title text, deleted_at timestamptz)");
        }
        config = dir.resolve("sync.yaml");
        Files.writeString(config, "tables:\n  - name: notes\n    conflict: manual\n");
        SyncSchema.install(pg.dataSource(), SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL)));
    }

    @Test
    void tokensAreShownOnceAndRevokedByValueOrUser() throws Exception {
        CliRun created = CliRun.of("token", "create", "--user", "alice", "--label", "phone", "--url", url, "--config",
                config.toString(), "--json");
        assertThat(created.exitCode()).as(created.err()).isZero();
        String token = new ObjectMapper().readTree(created.out()).get("token").asText();
        Tokens tokens = Tokens.create(pg.dataSource());
        assertThat(tokens.authenticate(token)).hasValue("alice");

        CliRun revoked = CliRun.of("token", "revoke", token, "--url", url, "--config", config.toString());
        CliRun again = CliRun.of("token", "revoke", token, "--url", url, "--config", config.toString());
        CliRun neither = CliRun.of("token", "revoke", "--url", url, "--config", config.toString());

        assertThat(revoked.out()).contains("Revoked.");
        assertThat(again.out()).contains("nothing was revoked");
        assertThat(neither.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(tokens.authenticate(token)).isEmpty();
        assertThat(created.out() + created.err() + revoked.out() + revoked.err()).doesNotContain("Sup3rSecretPw");
    }

    @Test
    void anAdminTokenIsCreatedWithAdminAndATokenForNobodyIsRefused() throws Exception {
        CliRun admin = CliRun.of("token", "create", "--admin", "--url", url, "--json");
        CliRun ops = CliRun.of("token", "create", "--admin", "--user", "ops", "--label", "on-call", "--url", url);
        CliRun nobody = CliRun.of("token", "create", "--url", url);

        assertThat(admin.exitCode()).as(admin.err()).isZero();
        JsonNode created = new ObjectMapper().readTree(admin.out());
        assertThat(created.get("role").asText()).isEqualTo("admin");
        assertThat(created.get("user").asText()).isEqualTo("admin");
        Tokens tokens = Tokens.create(pg.dataSource());
        assertThat(tokens.identify(created.get("token").asText())).contains(new Caller("admin", true));
        assertThat(tokens.authenticate(created.get("token").asText())).as("it syncs as nobody").isEmpty();
        assertThat(ops.exitCode()).as(ops.err()).isZero();
        assertThat(ops.out()).matches("(?s)mt_[A-Za-z0-9_-]{43}\n\n.*").contains("an admin token held by ops");
        assertThat(nobody.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(nobody.err()).contains("--user <id> (or --admin for an admin token)");
        assertThat(admin.out() + admin.err() + ops.out() + ops.err()).doesNotContain("Sup3rSecretPw");
    }

    @Test
    void aQueuedConflictIsListedAndResolvedWithMergedValues() throws Exception {
        queueAConflict();

        CliRun list = CliRun.of("conflicts", "list", "--url", url, "--config", config.toString(), "--json");
        assertThat(list.exitCode()).as(list.err()).isZero();
        JsonNode conflicts = new ObjectMapper().readTree(list.out());
        assertThat(conflicts).hasSize(1);
        long id = conflicts.get(0).get("id").asLong();

        CliRun resolved = CliRun.of("conflicts", "resolve", Long.toString(id), "--take", "merged", "--values",
                "{\"title\": \"both devices\"}", "--by", "support", "--url", url, "--config", config.toString());
        CliRun badTake = CliRun.of("conflicts", "resolve", Long.toString(id), "--take", "mine", "--url", url,
                "--config", config.toString());
        CliRun health = CliRun.of("health", "--url", url, "--config", config.toString());

        assertThat(resolved.exitCode()).as(resolved.err()).isZero();
        assertThat(resolved.out()).contains("resolved: merged");
        assertThat(badTake.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(badTake.err()).contains("--take must be server, client or merged");
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM notes")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("both devices");
        }
        assertThat(health.exitCode()).as(health.err()).isZero();
        assertThat(health.out()).containsIgnoringCase("pending conflicts");
    }

    @Test
    void tokensHealthAndTheConflictQueueNeedNoSyncConfiguration() throws Exception {
        queueAConflict();

        CliRun created = CliRun.of("token", "create", "--user", "alice", "--url", url, "--json");
        CliRun health = CliRun.of("health", "--url", url);
        CliRun list = CliRun.of("conflicts", "list", "--url", url, "--json");
        long id = new ObjectMapper().readTree(list.out()).get(0).get("id").asLong();
        CliRun merged = CliRun.of("conflicts", "resolve", Long.toString(id), "--take", "merged", "--values",
                "{\"title\": \"both\"}", "--url", url);
        CliRun kept = CliRun.of("conflicts", "resolve", Long.toString(id), "--take", "server", "--url", url);
        String token = new ObjectMapper().readTree(created.out()).get("token").asText();
        CliRun revoked = CliRun.of("token", "revoke", token, "--url", url);

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(health.exitCode()).as(health.err()).isZero();
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(merged.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(merged.err()).contains("--take merged").contains("--config sync.yaml");
        assertThat(kept.exitCode()).as(kept.err()).isZero();
        assertThat(kept.out()).contains("resolved: server");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("Revoked.");
    }

    @Test
    void revokingATokenAndResolvingAConflictPrintJson() throws Exception {
        queueAConflict();
        long id = new ObjectMapper().readTree(CliRun.of("conflicts", "list", "--url", url, "--config",
                config.toString(), "--json").out()).get(0).get("id").asLong();
        String token = Tokens.create(pg.dataSource()).issue("alice", "phone").token();
        Tokens.create(pg.dataSource()).issue("alice", "laptop");

        CliRun resolved = CliRun.of("conflicts", "resolve", Long.toString(id), "--take", "client", "--url", url,
                "--config", config.toString(), "--json");
        CliRun one = CliRun.of("token", "revoke", token, "--url", url, "--json");
        CliRun all = CliRun.of("token", "revoke", "--user", "alice", "--url", url, "--json");

        assertThat(resolved.exitCode()).as(resolved.err()).isZero();
        JsonNode conflict = new ObjectMapper().readTree(resolved.out());
        assertThat(conflict.get("id").asLong()).isEqualTo(id);
        assertThat(conflict.get("status").asText()).isEqualTo("resolved");
        assertThat(conflict.get("result").asText()).isEqualTo("client");
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(new ObjectMapper().readTree(one.out()).get("revoked").asInt()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(all.out()).get("revoked").asInt()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(all.out()).get("user").asText()).isEqualTo("alice");
        assertThat(one.out() + all.out()).doesNotContain(token).doesNotContain("Sup3rSecretPw");
    }

    @Test
    void aUrlWithoutASyncConfigurationIsAClearUsageError() {
        // the server serves the tables the configuration declares; health, tokens and the conflict list need none
        CliRun r = CliRun.of("server", "--url", url);
        assertThat(r.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(r.err()).contains("--config sync.yaml");
    }

    @Test
    void aBadAlertSettingStopsTheServerBeforeItStarts() throws Exception {
        Files.writeString(config, "tables: [notes]\nalerts:\n  conflict-rate: 5\n");

        CliRun r = CliRun.of("server", "--url", url, "--config", config.toString(), "--port", "0");

        assertThat(r.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(r.err()).contains(config + ", alerts: conflict-rate is a share of the changes between 0 and 1"
                + " (0% and 100%), was 5.0; write 5% or 0.05.");
    }

    /** Two devices of alice set the title of one note 300 ms apart: a manual conflict waits for a person. */
    void queueAConflict() {
        SyncService sync = SyncService.create(pg.dataSource(), SyncConfig.of(SyncedTable.owned("notes")
                .withConflictPolicy(ConflictPolicy.MANUAL)));
        sync.push("alice", new PushRequest("phone", List.of(change("phone", T, "from the phone"))));
        sync.push("alice", new PushRequest("laptop", List.of(change("laptop", T + 300, "from the laptop"))));
    }

    static RowChange change(String node, long ms, String title) {
        return new RowChange("notes", "n-1", Operation.UPSERT,
                Map.of("title", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(title)),
                new Hlc(ms, 0, node), node, 1);
    }
}
