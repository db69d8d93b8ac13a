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

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mooring peer export}, {@code import}, {@code status}, {@code serve} and {@code sync} on client databases of
 * the Reminders example that synced once with a real sync server (embedded PostgreSQL, HTTP on port 0).
 */
class PeerCliTest {
    static final Path EXAMPLE = Path.of("..", "examples", "reminders").toAbsolutePath().normalize();
    static final String ADA = "5b0e7c1a-8d2f-4c3e-9a41-0f6d2b7c9e10";
    static final String BEN = "7d1f9e2b-4a3c-4b5d-8e6f-1a2b3c4d5e6f";
    static final String TABLES = "users,events,groups,event_groups,shares";
    static final String EVENT = "0c4b1e57-3f2a-4d8e-b6a9-7e1d5c3f2a90";
    static final String PEER_TOKEN = "peer-secret-0123456789abcdef";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    SyncServer server;
    String url;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void startServer() throws Exception {
        String version = Migrator.create(pg.dataSource(), MigrationConfig.of("filesystem:" + EXAMPLE.resolve("server")))
                .migrate().toVersion();
        SyncConfig config = SyncConfigFile.load(EXAMPLE.resolve("sync.yaml"));
        SyncSchema.install(pg.dataSource(), config);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + ADA + "', 'ada@example.com', 'Ada'),"
                    + " ('" + BEN + "', 'ben@example.com', 'Ben')");
        }
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withServerSchemaVersion(version));
        url = server.uri().toString();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** A client database of {@code user} that synced once with the server. */
    Path device(String name, String user) throws Exception {
        Path db = dir.resolve(name + ".db");
        String token = Tokens.create(pg.dataSource()).issue(user, name).token();
        CliRun synced = CliRun.of("sync", "--db", db.toString(), "--server", url, "--token", token, "--tables", TABLES,
                "--locations", EXAMPLE.resolve("client").toString());
        assertThat(synced.exitCode()).as(synced.err()).isZero();
        return db;
    }

    static void addEvent(Path db, String id, String user, String title) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + id + "', '" + user + "', '"
                    + title + "', '2026-12-01')");
        }
    }

    static String title(Path db, String id) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM events WHERE id = '" + id + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void exportImportAndStatusMoveAnEditFromOneDeviceToAnotherAndItReachesTheServerOnce() throws Exception {
        Path phone = device("phone", ADA);
        Path tablet = device("tablet", ADA);
        addEvent(phone, EVENT, ADA, "Dentist");
        Path file = dir.resolve("changes.bin");

        CliRun exported = CliRun.of("peer", "export", "--db", phone.toString(), "--out", file.toString());
        CliRun again = CliRun.of("peer", "export", "--db", phone.toString(), "--out", file.toString());
        CliRun imported = CliRun.of("peer", "import", file.toString(), "--db", tablet.toString());
        CliRun twice = CliRun.of("peer", "import", file.toString(), "--db", tablet.toString(), "--json");
        CliRun status = CliRun.of("peer", "status", "--db", tablet.toString());
        CliRun statusJson = CliRun.of("peer", "status", "--db", tablet.toString(), "--json");

        assertThat(exported.exitCode()).as(exported.err()).isZero();
        assertThat(exported.out()).contains("Exported 1 change(s) and ").contains("to " + file);
        assertThat(again.exitCode()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED.exitCode());
        assertThat(again.err()).contains("--force");
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("Imported the changes of node ")
                .contains("relayed         1 change(s) of other nodes").contains("kept for later  0");
        assertThat(title(tablet, EVENT)).isEqualTo("Dentist");
        assertThat(json.readTree(twice.out()).get("relaysKept").asLong()).isZero();
        assertThat(json.readTree(twice.out()).get("rowsWritten").asLong()).isZero();
        assertThat(json.readTree(twice.out()).get("alreadyKnown").asLong()).isPositive();
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).contains("user            " + ADA).contains("relays waiting  1 change(s)")
                .contains("table           events (");
        JsonNode doc = json.readTree(statusJson.out());
        assertThat(doc.get("relaysWaiting").asLong()).isEqualTo(1);
        assertThat(doc.at("/peerInfo/userId").asText()).isEqualTo(ADA);
        assertThat(doc.at("/peerInfo/capabilities").toString()).contains("relays");

        String tabletToken = Tokens.create(pg.dataSource()).issue(ADA, "tablet again").token();
        assertThat(CliRun.of("sync", "--db", tablet.toString(), "--server", url, "--token", tabletToken).exitCode())
                .isZero();
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM events WHERE id = '" + EVENT + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Dentist");
        }
        assertThat(CliRun.of("peer", "status", "--db", tablet.toString()).out()).contains("relays waiting  0");
    }

    @Test
    void aDamagedFileExits26AndAnotherUsersChangesExit27AndNothingChanges() throws Exception {
        Path phone = device("phone", ADA);
        Path tablet = device("tablet", ADA);
        Path bens = device("ben", BEN);
        addEvent(phone, EVENT, ADA, "Dentist");
        addEvent(bens, "1c4b1e57-3f2a-4d8e-b6a9-7e1d5c3f2a91", BEN, "Ben");
        Path good = dir.resolve("phone.bin");
        Path bensFile = dir.resolve("ben.bin");
        assertThat(CliRun.of("peer", "export", "--db", phone.toString(), "--out", good.toString()).exitCode()).isZero();
        assertThat(CliRun.of("peer", "export", "--db", bens.toString(), "--out", bensFile.toString()).exitCode())
                .isZero();
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.bin"), java.util.Arrays.copyOf(bytes, bytes.length - 1));

        CliRun damaged = CliRun.of("peer", "import", truncated.toString(), "--db", tablet.toString());
        CliRun damagedJson = CliRun.of("peer", "import", truncated.toString(), "--db", tablet.toString(), "--json");
        CliRun stranger = CliRun.of("peer", "import", bensFile.toString(), "--db", tablet.toString());
        CliRun badSince = CliRun.of("peer", "export", "--db", phone.toString(), "--since", "yesterday", "--out",
                dir.resolve("x.bin").toString());

        assertThat(damaged.exitCode()).isEqualTo(26);
        assertThat(damaged.err()).contains("truncated").contains("Nothing was imported");
        assertThat(json.readTree(damagedJson.out()).at("/error/exitCode").asInt()).isEqualTo(26);
        assertThat(stranger.exitCode()).isEqualTo(27);
        assertThat(stranger.err()).contains("another user");
        CliRun later = CliRun.of("peer", "export", "--db", phone.toString(), "--since", "2999-01-01", "--out",
                dir.resolve("later.bin").toString());
        CliRun sinceHlc = CliRun.of("peer", "export", "--db", phone.toString(), "--since",
                "000000000000001-00000-a", "--out", dir.resolve("all.bin").toString(), "--json");
        assertThat(later.out()).contains("Exported 1 change(s) and 0 synced row(s)");
        assertThat(json.readTree(sinceHlc.out()).get("rows").asInt()).isPositive();
        assertThat(badSince.exitCode()).isEqualTo(2);
        assertThat(badSince.err()).contains("--since 'yesterday'");
        assertThat(title(tablet, EVENT)).isNull();
        assertThat(CliRun.of("peer", "status", "--db", tablet.toString()).out()).contains("relays waiting  0");
    }

    @Test
    void aFileArgumentThatDoesNotExistIsReportedAsMissingByEveryCommandThatReadsOne() throws Exception {
        Path phone = device("phone", ADA);
        Path missing = dir.resolve("nosuch.bin");

        CliRun peer = CliRun.of("peer", "import", missing.toString(), "--db", phone.toString());
        CliRun pkg = CliRun.of("package", "import", missing.toString(), "--db", phone.toString());
        CliRun verify = CliRun.of("verify", missing.toString());
        CliRun restore = CliRun.of("restore", missing.toString(), "--url", phone.toString());

        assertThat(peer.exitCode()).isEqualTo(ErrorCode.IO.exitCode());
        assertThat(peer.err()).contains("There is no exchange file at " + missing).doesNotContain("Could not read");
        assertThat(pkg.err()).contains("There is no package file at " + missing);
        assertThat(verify.err()).contains("There is no backup file " + missing);
        assertThat(restore.err()).contains("There is no backup file " + missing);
        assertThat(missing).doesNotExist();
    }

    @Test
    void serveAndSyncExchangeBothWaysOverTheLanUntilTheServerIsInterrupted() throws Exception {
        Path phone = device("phone", ADA);
        Path tablet = device("tablet", ADA);
        String other = "2c4b1e57-3f2a-4d8e-b6a9-7e1d5c3f2a92";
        addEvent(phone, EVENT, ADA, "From the phone");
        addEvent(tablet, other, ADA, "From the tablet");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> serving = CompletableFuture.supplyAsync(() -> {
            runner[0] = Thread.currentThread();
            return MooringCli.execute(new PrintWriter(out), new PrintWriter(err), "peer", "serve", "--db",
                    phone.toString(), "--port", "0", "--token", PEER_TOKEN);
        });
        Matcher listening = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+) ").matcher("");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!listening.reset(out.toString()).find()) {
            assertThat(serving).as("serve ended early: " + out + err).isNotDone();
            assertThat(System.nanoTime()).as("waited for serve; so far:\n" + out + err).isLessThan(deadline);
            Thread.sleep(20);
        }
        String peer = listening.group(1);

        CliRun wrongToken = CliRun.of("peer", "sync", "--db", tablet.toString(), "--peer", peer, "--token",
                "not-the-right-token-at-all");
        CliRun synced = CliRun.of("peer", "sync", "--db", tablet.toString(), "--peer", peer, "--token", PEER_TOKEN);
        CliRun syncedJson = CliRun.of("peer", "sync", "--db", tablet.toString(), "--peer", peer, "--token",
                PEER_TOKEN, "--json");
        runner[0].interrupt();

        assertThat(serving.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("(this machine only: --bind <LAN address> lets other devices in)")
                .endsWith("Stopped." + System.lineSeparator());
        // a line for every request answered: the refused one, then two exchanges of three requests each
        assertThat(out.toString().lines().filter(line -> line.matches("\\S+Z 127\\.0\\.0\\.1:\\d+ .*")))
                .hasSize(7)
                .anySatisfy(line -> assertThat(line).contains(" handshake 401: this peer needs the bearer token"))
                .anySatisfy(line -> assertThat(line).contains(" import 200 node ").contains(": imported 1 change(s)"))
                .anySatisfy(line -> assertThat(line).contains(" export 200 node ").contains(": sent 2 change(s)"));
        assertThat(wrongToken.exitCode()).isEqualTo(ErrorCode.AUTHENTICATION.exitCode());
        assertThat(wrongToken.err()).contains("refused the token");
        assertThat(synced.exitCode()).as(synced.err()).isZero();
        assertThat(synced.out()).contains("Exchanged changes of " + tablet).contains("at " + peer)
                .contains("sent            1 change(s)").contains("received        2 change(s)");
        JsonNode second = json.readTree(syncedJson.out());
        assertThat(second.at("/imported/relaysKept").asLong()).isZero();
        assertThat(second.at("/peerImported/relaysKept").asLong()).isZero();
        assertThat(title(tablet, EVENT)).isEqualTo("From the phone");
        assertThat(title(phone, other)).isEqualTo("From the tablet");
        assertThat(out.toString() + err + wrongToken.out() + wrongToken.err() + synced.out() + synced.err()
                + syncedJson.out()).doesNotContain(PEER_TOKEN).doesNotContain("not-the-right-token-at-all");
    }

    @Test
    void serveRefusesAShortTokenAndAnAddressItCannotUse() throws Exception {
        Path phone = device("phone", ADA);

        CliRun shortToken = CliRun.of("peer", "serve", "--db", phone.toString(), "--port", "0", "--token", "short");
        CliRun noToken = CliRun.of("peer", "serve", "--db", phone.toString(), "--port", "0");
        CliRun noDb = CliRun.of("peer", "status", "--db", dir.resolve("missing.db").toString());

        assertThat(shortToken.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(shortToken.err()).contains("at least 16").doesNotContain("short'");
        assertThat(noToken.exitCode()).isEqualTo(2);
        assertThat(noToken.err()).contains("MOORING_PEER_TOKEN");
        assertThat(noDb.exitCode()).isEqualTo(2);
        assertThat(noDb.err()).contains("there is no client database");
        assertThat(Files.exists(dir.resolve("missing.db"))).isFalse();
    }
}
