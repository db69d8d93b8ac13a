package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mooring package create | import | download | export | list} on the Reminders example: a real PostgreSQL,
 * a real sync server on port 0, client databases migrated by the example's client migrations.
 */
class PackageCliTest {
    static final Path EXAMPLE = ClientSyncCliTest.EXAMPLE;
    static final String USER = ClientSyncCliTest.USER;
    static final String TABLES = ClientSyncCliTest.TABLES;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    String url;
    SyncServer server;
    String token;

    @BeforeEach
    void setUp() throws Exception {
        Migrator.create(pg.dataSource(), MigrationConfig.of("filesystem:" + EXAMPLE.resolve("server"))).migrate();
        SyncConfig config = SyncConfigFile.load(EXAMPLE.resolve("sync.yaml"));
        SyncSchema.install(pg.dataSource(), config);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + USER + "', 'ada@example.com', 'Ada')");
            s.execute("INSERT INTO events (id, user_id, title, solar_date) SELECT gen_random_uuid(), '" + USER + "',"
                    + " 'event ' || g, DATE '2026-12-01' + g FROM generate_series(1, 12) g");
        }
        url = "postgresql://postgres:Sup3rSecretPw@localhost:" + pg.server().port() + "/" + pg.databaseName();
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withPackagesDir(Files.createDirectories(dir.resolve("served"))));
        token = Tokens.create(pg.dataSource()).issue(USER, "cli test").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    CliRun create(String... more) {
        List<String> args = new ArrayList<>(List.of("package", "create", "--url", url, "--config",
                EXAMPLE.resolve("sync.yaml").toString(), "--name", "reminders", "--tables", TABLES));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    CliRun onClient(String command, String db, String... more) {
        List<String> args = new ArrayList<>(List.of("package", command));
        args.addAll(List.of(more));
        args.addAll(List.of("--db", dir.resolve(db).toString(), "--tables", TABLES, "--locations",
                EXAMPLE.resolve("client").toString()));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aPackageIsCutServedFromTheCacheImportedAndHandedOnToAnotherDevice() throws Exception {
        Path file = dir.resolve("reminders.mpkg");
        CliRun cut = create("--user", USER, "--out", file.toString(), "--requested-by", "ops");
        assertThat(cut.exitCode()).as(cut.err()).isZero();
        assertThat(cut.out()).contains("Cut package reminders version 1").contains("events         12 row(s)")
                .doesNotContain("Sup3rSecretPw");

        CliRun again = create("--user", USER, "--out", file.toString(), "--json");
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode reused = new ObjectMapper().readTree(again.out());
        assertThat(reused.path("reused").asBoolean()).isTrue();
        assertThat(reused.path("version").asLong()).isEqualTo(1);

        CliRun imported = onClient("import", "phone.db", file.toString(), "--user", USER);
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("events         12 row(s) written").contains("cursor         moved");
        assertThat(count("phone.db", "SELECT count(*) FROM events WHERE sync_status = 'synced'")).isEqualTo(12);

        Path handed = dir.resolve("handed.mpkg");
        CliRun exported = CliRun.of("package", "export", "--db", dir.resolve("phone.db").toString(), "--type",
                "reminders", "--out", handed.toString());
        assertThat(exported.exitCode()).as(exported.err()).isZero();
        CliRun shared = onClient("import", "tablet.db", handed.toString(), "--source", "share", "--json");
        assertThat(shared.exitCode()).as(shared.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(shared.out());
        assertThat(doc.path("source").asText()).isEqualTo("share");
        assertThat(doc.path("cursorMoved").asBoolean()).isFalse(); // the user was not named
        assertThat(doc.path("cursorNote").asText()).contains("user " + USER);
        assertThat(count("tablet.db", "SELECT count(*) FROM events")).isEqualTo(12);

        CliRun listed = CliRun.of("package", "list", "--db", dir.resolve("tablet.db").toString());
        assertThat(listed.out()).contains("reminders version 1, share");
    }

    @Test
    void importingTheSamePackageAgainSaysTheClientIsAlreadyAtItsWatermark() throws Exception {
        Path file = dir.resolve("reminders.mpkg");
        assertThat(create("--user", USER, "--out", file.toString()).exitCode()).isZero();
        assertThat(onClient("import", "phone.db", file.toString(), "--user", USER).exitCode()).isZero();

        CliRun again = onClient("import", "phone.db", file.toString(), "--user", USER);
        CliRun againJson = onClient("import", "phone.db", file.toString(), "--user", USER, "--json");

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("already at the package's watermark").doesNotContain("past");
        assertThat(new ObjectMapper().readTree(againJson.out()).path("cursorNote").asText())
                .contains("already at the package's watermark");
    }

    @Test
    void aClientListsAndDownloadsItsUsersPackageFromTheServer() throws Exception {
        CliRun cut = create("--user", USER, "--out", dir.resolve("r.mpkg").toString(), "--json");
        String id = new ObjectMapper().readTree(cut.out()).path("id").asText();

        CliRun listed = CliRun.of("package", "list", "--server", server.uri() + "/v1", "--token", token);
        CliRun downloaded = onClient("download", "laptop.db", "--server", server.uri().toString(), "--token", token,
                "--id", id);

        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out()).contains(id + "  reminders version 1 (user " + USER + ")");
        assertThat(downloaded.exitCode()).as(downloaded.err()).isZero();
        assertThat(downloaded.out()).contains("source download").contains("cursor         moved");
        assertThat(listed.out() + downloaded.out() + downloaded.err()).doesNotContain(token);
        assertThat(count("laptop.db", "SELECT count(*) FROM events")).isEqualTo(12);
    }

    @Test
    void aFreshClientOrdersAPackageOfItsTablesAndSyncContinuesFromIt() throws Exception {
        CliRun ordered = onClient("download", "fresh.db", "--server", server.uri().toString(), "--token", token,
                "--name", "starter");
        CliRun sync = CliRun.of("sync", "--db", dir.resolve("fresh.db").toString(), "--server",
                server.uri().toString(), "--token", token, "--json");

        assertThat(ordered.exitCode()).as(ordered.err()).isZero();
        assertThat(ordered.out()).contains("Imported package starter version 1").contains("cursor         moved");
        assertThat(count("fresh.db", "SELECT count(*) FROM events")).isEqualTo(12);
        assertThat(sync.exitCode()).as(sync.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(sync.out());
        assertThat(report.path("bootstrap").asBoolean()).isFalse();
        assertThat(report.path("pulled").asLong()).isZero();
    }

    @Test
    void refusalsExitWithTheirOwnCodes() throws Exception {
        Path v1 = dir.resolve("v1.mpkg");
        Path v2 = dir.resolve("v2.mpkg");
        assertThat(create("--user", USER, "--out", v1.toString()).exitCode()).isZero();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE events SET title = 'renamed' WHERE title = 'event 1'");
        }
        assertThat(create("--user", USER, "--out", v2.toString()).exitCode()).isZero();
        byte[] bytes = Files.readAllBytes(v2);
        bytes[bytes.length - 10] ^= 1;
        Path damaged = Files.write(dir.resolve("damaged.mpkg"), bytes);

        CliRun sharedOwned = create("--shared", "--out", dir.resolve("x.mpkg").toString());
        CliRun neither = create("--out", dir.resolve("x.mpkg").toString());
        CliRun corrupt = onClient("import", "phone.db", damaged.toString());
        assertThat(onClient("import", "phone.db", v2.toString()).exitCode()).isZero();
        CliRun older = onClient("import", "phone.db", v1.toString());

        assertThat(sharedOwned.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(sharedOwned.err()).contains("users, events, groups, event_groups, shares are owned by users");
        assertThat(neither.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(corrupt.exitCode()).isEqualTo(ErrorCode.PACKAGE_CORRUPT.exitCode()).isEqualTo(24);
        assertThat(corrupt.err()).contains("does not match the SHA-256");
        assertThat(older.exitCode()).isEqualTo(ErrorCode.PACKAGE_REFUSED.exitCode()).isEqualTo(25);
        assertThat(older.err()).contains("is not newer than version 2");
    }

    private long count(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(db));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
