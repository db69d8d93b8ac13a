package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** backup, restore, verify and prune through the command line, on both dialects. */
class BackupCliTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    Path migrations;
    Path dumps;
    String sqlite;

    @BeforeEach
    void setUp() throws Exception {
        migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id integer primary key, body text);\n");
        dumps = dir.resolve("dumps");
        sqlite = dir.resolve("client.db").toString();
    }

    CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void sqliteBackupVerifyRestoreAndPrune() throws Exception {
        assertThat(run("migrate", "--url", sqlite, "--locations", migrations.toString()).exitCode()).isZero();
        sql(sqlite, "INSERT INTO notes VALUES (1, 'one'), (2, 'two')");

        CliRun backup = run("backup", "--url", sqlite, "--dir", dumps.toString(), "--compress", "gzip");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("Backed up").contains("tables: 2, rows: 3").contains("schema version 001");
        Path file;
        try (var files = Files.list(dumps)) {
            file = files.filter(p -> p.toString().endsWith(".sqlite.gz")).findFirst().orElseThrow();
        }

        CliRun verify = run("verify", file.toString(), "--restore");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("Verified").contains("restored into a scratch");

        String restored = dir.resolve("restored.db").toString();
        CliRun restore = run("restore", "--url", restored, "--dir", dumps.toString(), "--locations", migrations.toString());
        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("Restored").contains("rows: 3").contains("schema version: 001").contains("notes");
        assertThat(query(restored, "SELECT group_concat(body) FROM notes")).isEqualTo("one,two");

        CliRun prune = run("prune", "--dir", dumps.toString(), "--keep-days", "0", "--dry-run");
        assertThat(prune.exitCode()).isZero();
        assertThat(prune.out()).contains("keep").contains("the newest verified backup").contains("Dry run");
    }

    @Test
    void cleanRestoreWithoutATerminalNeedsYes() throws Exception {
        run("migrate", "--url", sqlite, "--locations", migrations.toString());
        sql(sqlite, "INSERT INTO notes VALUES (1, 'one')");
        assertThat(run("backup", "--url", sqlite, "--dir", dumps.toString()).exitCode()).isZero();
        sql(sqlite, "DELETE FROM notes");

        CliRun refused = run("restore", "--url", sqlite, "--dir", dumps.toString(), "--clean");
        assertThat(refused.exitCode()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED.exitCode());
        assertThat(refused.err()).contains("--yes");
        assertThat(query(sqlite, "SELECT count(*) FROM notes")).isEqualTo("0");

        CliRun confirmed = run("restore", "--url", sqlite, "--dir", dumps.toString(), "--clean", "--yes", "--countdown", "0");
        assertThat(confirmed.exitCode()).as(confirmed.err()).isZero();
        assertThat(query(sqlite, "SELECT count(*) FROM notes")).isEqualTo("1");
    }

    @Test
    void postgresBackupAsJsonNeverShowsThePasswordAndVerifiesOnAnEmbeddedScratchServer() throws Exception {
        String url = "postgresql://postgres:Sup3rSecretPw@localhost:" + pg.server().port() + "/" + pg.databaseName();
        assertThat(run("migrate", "--url", url, "--locations", migrations.toString()).exitCode()).isZero();

        CliRun backup = run("backup", "--url", url, "--dir", dumps.toString(), "--jobs", "2", "--verify", "--json");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out() + backup.err()).doesNotContain("Sup3rSecretPw");
        JsonNode doc = new ObjectMapper().readTree(backup.out());
        assertThat(doc.path("manifest").path("verification").path("passed").asBoolean()).isTrue();
        assertThat(doc.path("manifest").path("schemaVersion").asText()).isEqualTo("001");

        CliRun corrupt = run("verify", dumps.resolve("does-not-exist.sql").toString());
        assertThat(corrupt.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
    }

    @Test
    void verifyRestoreOnAnUnreachableScratchServerIsNoVerdictAndLeavesTheManifestAsItWas() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        assertThat(run("migrate", "--url", url, "--locations", migrations.toString()).exitCode()).isZero();
        assertThat(run("backup", "--url", url, "--dir", dumps.toString()).exitCode()).isZero();
        Path file;
        try (var files = Files.list(dumps)) {
            file = files.filter(p -> p.toString().endsWith(".sql.zst")).findFirst().orElseThrow();
        }
        Path manifest = file.resolveSibling(file.getFileName() + ".manifest.json");
        byte[] before = Files.readAllBytes(manifest);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        CliRun refused = run("verify", file.toString(), "--restore", "--scratch-url",
                "postgresql://postgres:Sup3rSecretPw@localhost:" + closedPort + "/postgres");
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(ErrorCode.VERIFY_NOT_RUN.exitCode());
        assertThat(refused.err()).contains("could not run").contains("localhost:" + closedPort)
                .contains("--scratch-url").doesNotContain("Sup3rSecretPw");
        assertThat(refused.out()).doesNotContain("FAILED");
        assertThat(Files.readAllBytes(manifest)).isEqualTo(before);

        CliRun proven = run("verify", file.toString(), "--restore", "--scratch-url",
                "postgresql://postgres@localhost:" + pg.server().port() + "/postgres");
        assertThat(proven.exitCode()).as(proven.out() + proven.err()).isZero();
        assertThat(proven.out()).contains("Verified").contains("restored into a scratch database");
    }

    @Test
    void encryptWithoutPassphraseFailsWithItsOwnExitCode() {
        run("migrate", "--url", sqlite, "--locations", migrations.toString());
        CliRun r = run("backup", "--url", sqlite, "--dir", dumps.toString(), "--encrypt");
        if (System.getenv("MOORING_BACKUP_PASSPHRASE") == null) {
            assertThat(r.exitCode()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE.exitCode());
            assertThat(r.err()).contains("MOORING_BACKUP_PASSPHRASE");
            assertThat(dumps).doesNotExist();
        } else {
            assertThat(r.exitCode()).isZero();
        }
    }

    static void sql(String file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String query(String file, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aScheduleFasterThanOnceASecondIsAUsageErrorNamingTheFix() throws Exception {
        String sqlite = dir.resolve("app.db").toString();
        sql(sqlite, "CREATE TABLE t (id integer primary key)");

        CliRun every = run("backup", "--url", sqlite, "--every", "500ms");

        assertThat(every.exitCode()).isEqualTo(2);
        assertThat(every.err()).contains("error: a backup schedule runs at most once a second, not every 500ms: give an"
                + " interval of 1s or more").doesNotContain("Exception");
    }
}
