package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.Redaction;
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
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mooring sync} and {@code mooring sync status} against a real sync server (the Reminders example on an
 * embedded PostgreSQL, HTTP on port 0) with client databases migrated by the example's client migrations.
 */
class ClientSyncCliTest {
    static final Path EXAMPLE = Path.of("..", "examples", "reminders").toAbsolutePath().normalize();
    static final String USER = "5b0e7c1a-8d2f-4c3e-9a41-0f6d2b7c9e10";
    static final String TABLES = "users,events,groups,event_groups,shares";
    static final String EVENT = "0c4b1e57-3f2a-4d8e-b6a9-7e1d5c3f2a90";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    SyncServer server;
    String url;
    String token;
    Path db;

    @BeforeEach
    void startServer() throws Exception {
        String version = Migrator.create(pg.dataSource(), MigrationConfig.of("filesystem:" + EXAMPLE.resolve("server")))
                .migrate().toVersion();
        SyncConfig config = SyncConfigFile.load(EXAMPLE.resolve("sync.yaml"));
        SyncSchema.install(pg.dataSource(), config);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + USER + "', 'ada@example.com', 'Ada')");
        }
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withServerSchemaVersion(version));
        url = server.uri().toString();
        token = Tokens.create(pg.dataSource()).issue(USER, "cli test").token();
        db = dir.resolve("phone.db");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Stops the server before the test ends. */
    void serverGoesDown() {
        server.close();
        server = null;
    }

    CliRun sync(String... more) {
        String[] args = new String[] {"sync", "--db", db.toString(), "--server", url, "--token", token};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void syncBootstrapsPushesLocalEditsAndRemembersItsTables() throws Exception {
        CliRun first = sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("Synced " + db).contains("with " + url)
                .contains("pulled        1 change(s) (bootstrap), applied 1, removed 0")
                .contains("pushed        0 row(s), acknowledged 0, rejected 0")
                .contains("pending       0 change(s)");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + EVENT + "', '" + USER
                    + "', 'Dentist', '2026-12-01')");
        }
        CliRun second = sync();   // no --tables: the database remembers them

        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("pushed        1 row(s), acknowledged 1, rejected 0")
                .contains("conflicts     0");
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM events WHERE id = '" + EVENT + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Dentist");
        }
    }

    @Test
    void statusShowsPendingAndRejectedChangesWithoutAServer() throws Exception {
        assertThat(sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString()).exitCode()).isZero();
        serverGoesDown();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + EVENT + "', '" + USER
                    + "', 'Dentist', '2026-12-01')");
        }

        CliRun text = CliRun.of("sync", "status", "--db", db.toString());
        CliRun json = CliRun.of("sync", "status", "--db", db.toString(), "--json");

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("Client " + db + " (node ").contains("syncing users, events, groups, event_groups,"
                + " shares").contains("pending changes       1 (0 rejected)").contains("last error            none")
                .contains("No conflicts recorded.");
        JsonNode status = new ObjectMapper().readTree(json.out());
        assertThat(status.get("pendingChanges").asLong()).isEqualTo(1);
        assertThat(status.get("rejectedChanges").asLong()).isZero();
        assertThat(status.get("lastSuccessfulSync").asText()).isNotBlank();
        assertThat(status.get("nodeId").asText()).isNotBlank();
        assertThat(status.get("tables")).hasSize(5);
    }

    @Test
    void aChangeTheServerRejectsIsShownWithItsReasonBySyncAndStatus() throws Exception {
        assertThat(sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString()).exitCode()).isZero();
        String other = "7d3f0a2e-1b4c-4e5d-8f6a-9b0c1d2e3f40";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + EVENT + "', '" + other
                    + "', 'Not mine', '2026-12-01')");
        }

        CliRun synced = sync();
        CliRun status = CliRun.of("sync", "status", "--db", db.toString());

        assertThat(synced.exitCode()).as(synced.err()).isZero();
        assertThat(synced.out()).contains("rejected 1").contains("Rejected changes stay in the outbox");
        assertThat(status.out()).contains("(1 rejected)").contains("Rejected by the server").contains(EVENT);
    }

    @Test
    void theReportSaysWhatBecameOfEachPushedChange() throws Exception {
        assertThat(sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString()).exitCode()).isZero();
        String merged = "1a2b3c4d-0000-4000-8000-000000000001";
        String superseded = "1a2b3c4d-0000-4000-8000-000000000002";
        String applied = "1a2b3c4d-0000-4000-8000-000000000003";
        String rejected = "1a2b3c4d-0000-4000-8000-000000000004";
        client("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + merged + "', '" + USER
                + "', 'Dentist', '2026-12-01'), ('" + superseded + "', '" + USER + "', 'Gym', '2026-12-02')");
        assertThat(sync().exitCode()).isZero();
        // offline edits; then the server changes some of the same columns later
        client("UPDATE events SET title = 'Dentist at 9', notes = 'bring the card' WHERE id = '" + merged + "'",
                "UPDATE events SET solar_date = '2026-12-09' WHERE id = '" + superseded + "'",
                "INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + applied + "', '" + USER
                        + "', 'New', '2026-12-03'), ('" + rejected + "', '7d3f0a2e-1b4c-4e5d-8f6a-9b0c1d2e3f40',"
                        + " 'Not mine', '2026-12-04')");
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE events SET title = 'Dentist at 10' WHERE id = '" + merged + "'");
            s.execute("UPDATE events SET solar_date = '2026-12-10' WHERE id = '" + superseded + "'");
        }
        // the same database as restored from a copy: it sends the same changes under the same numbers again
        Path copy = dir.resolve("restored.db");
        java.nio.file.Files.copy(db, copy);

        CliRun json = sync("--json");
        CliRun again = CliRun.of("sync", "--db", copy.toString(), "--server", url, "--token", token);

        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode changes = new ObjectMapper().readTree(json.out()).get("changes");
        assertThat(changes).hasSize(4);
        java.util.Map<String, JsonNode> byId = new java.util.HashMap<>();
        changes.forEach(c -> byId.put(c.get("id").asText(), c));
        assertThat(byId.get(merged).get("status").asText()).isEqualTo("merged");
        assertThat(byId.get(merged).get("table").asText()).isEqualTo("events");
        assertThat(byId.get(merged).get("operation").asText()).isEqualTo("upsert");
        assertThat(byId.get(superseded).get("status").asText()).isEqualTo("superseded");
        assertThat(byId.get(superseded).get("reason").asText()).contains("a newer version on the server wins");
        assertThat(byId.get(applied).get("status").asText()).isEqualTo("applied");
        assertThat(byId.get(applied).get("reason").isNull()).isTrue();
        assertThat(byId.get(rejected).get("status").asText()).isEqualTo("rejected");
        // events are shared in the example, so the reason is the one for a row a user may not create as someone else
        assertThat(byId.get(rejected).get("reason").asText()).contains("you can only create your own (user_id =");
        assertThat(changes).extracting(c -> c.get("clientSeq").asLong()).doesNotHaveDuplicates()
                .allMatch(seq -> seq > 0);
        assertThat(again.exitCode()).as(again.err()).isZero();
        // the three it applied are duplicates; the one it rejected is rejected again, with its reason, not taken as had
        assertThat(again.out()).contains("results       duplicate 3, rejected 1");
        assertThat(sync().out()).contains("pushed        0 row(s)").doesNotContain("results");
    }

    @Test
    void rejectedChangesAreDiscardedOrRetriedAfterTheFixFromTheCommandLine() throws Exception {
        assertThat(sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString()).exitCode()).isZero();
        String other = "7d3f0a2e-1b4c-4e5d-8f6a-9b0c1d2e3f40";
        String dropped = "2b3c4d5e-0000-4000-8000-000000000001";
        String fixed = "2b3c4d5e-0000-4000-8000-000000000002";
        client("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + dropped + "', '" + other
                + "', 'Not mine', '2026-12-01'), ('" + fixed + "', '" + other + "', 'Mine after all', '2026-12-02')");
        assertThat(sync().out()).contains("rejected 2").contains("mooring sync retry").contains("mooring sync discard");
        CliRun status = CliRun.of("sync", "status", "--db", db.toString());
        JsonNode rejected = new ObjectMapper().readTree(CliRun.of("sync", "status", "--db", db.toString(), "--json")
                .out()).get("rejected");
        java.util.Map<String, Long> seqs = new java.util.HashMap<>();
        rejected.forEach(e -> seqs.put(e.get("id").asText(), e.get("seq").asLong()));
        assertThat(status.out()).contains("mooring sync retry --db " + db).contains("mooring sync discard --db " + db)
                .containsPattern("\\n +" + seqs.get(dropped) + " +events +" + dropped);

        client("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + EVENT + "', '" + USER
                + "', 'Waiting', '2026-12-03')");
        long waiting = Long.parseLong(sqlite("SELECT seq FROM sync_queue WHERE record_id = '" + EVENT + "'"));
        CliRun unknown = CliRun.of("sync", "discard", "--db", db.toString(), "9999", Long.toString(seqs.get(dropped)));
        CliRun notRejected = CliRun.of("sync", "retry", "--db", db.toString(), Long.toString(waiting));
        CliRun nothingNamed = CliRun.of("sync", "discard", "--db", db.toString());
        assertThat(unknown.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(unknown.err()).contains("no outbox entry 9999").contains("mooring sync status --db " + db)
                .contains("nothing was discarded");
        assertThat(notRejected.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(notRejected.err()).contains("entry " + waiting + " (events " + EVENT + ") is not rejected");
        assertThat(nothingNamed.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(nothingNamed.err()).contains("--all");
        assertThat(sqlite("SELECT count(*) FROM sync_queue WHERE state = 'rejected'")).isEqualTo("2");

        CliRun discarded = CliRun.of("sync", "discard", "--db", db.toString(), Long.toString(seqs.get(dropped)), "--json");
        assertThat(discarded.exitCode()).as(discarded.err()).isZero();
        JsonNode gone = new ObjectMapper().readTree(discarded.out());
        assertThat(gone.get("discarded")).hasSize(1);
        assertThat(gone.get("discarded").get(0).get("id").asText()).isEqualTo(dropped);
        assertThat(gone.get("discarded").get(0).get("error").asText())
                .contains("you can only create your own (user_id =");
        // the change is gone; the row stays on this device as it is (the server never had it)
        assertThat(sqlite("SELECT count(*) FROM sync_queue WHERE record_id = '" + dropped + "'")).isEqualTo("0");
        assertThat(sqlite("SELECT user_id || ' ' || sync_status FROM events WHERE id = '" + dropped + "'"))
                .isEqualTo(other + " pending_upload");

        client("UPDATE events SET user_id = '" + USER + "' WHERE id = '" + fixed + "'");
        CliRun retried = CliRun.of("sync", "retry", "--db", db.toString(), "--all");
        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("1 rejected change").contains(fixed).contains("next sync");
        JsonNode report = new ObjectMapper().readTree(sync("--json").out());
        assertThat(report.get("rejected").asLong()).isZero();
        assertThat(report.get("removed").asLong()).isZero();
        assertThat(report.get("pending").asLong()).isZero();
        assertThat(report.get("changes")).extracting(c -> c.get("id").asText() + " " + c.get("status").asText())
                .contains(fixed + " applied", EVENT + " applied");
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE id = '" + fixed + "' AND user_id = '" + USER
                     + "'), count(*) FILTER (WHERE id = '" + dropped + "') FROM events")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isZero();
        }
        CliRun none = CliRun.of("sync", "discard", "--db", db.toString(), "--all");
        assertThat(none.exitCode()).isZero();
        assertThat(none.out()).contains("No rejected changes");
    }

    String sqlite(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    void client(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String one : sql) {
                s.execute(one);
            }
        }
    }

    @Test
    void jsonReportHasTheCountsAndNeverTheToken() throws Exception {
        CliRun r = sync("--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertThat(report.get("pulled").asLong()).isEqualTo(1);
        assertThat(report.get("bootstrap").asBoolean()).isTrue();
        assertThat(report.get("pending").asLong()).isZero();
        assertThat(report.get("conflicts")).isEmpty();
        assertThat(report.get("server").asText()).isEqualTo(url);
        // masked output would contain the mask: nothing token-like was printed at all
        assertThat(r.out() + r.err()).doesNotContain(token).doesNotContain(Redaction.MASK);
    }

    @Test
    void aFreshDatabaseWithoutTablesIsAUsageErrorNamingTables() {
        CliRun r = sync();

        assertThat(r.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(r.err()).contains("--tables").contains("does not exist yet");
        assertThat(db).doesNotExist();
    }

    @Test
    void missingServerOrTokenOrBadIntervalAreUsageErrors() {
        CliRun noServer = CliRun.of("sync", "--db", db.toString(), "--token", token, "--tables", "events");
        CliRun badInterval = sync("--watch", "--interval", "soon");
        CliRun zeroInterval = sync("--watch", "--interval", "0s");
        CliRun noDb = CliRun.of("sync", "--server", url, "--token", token);
        CliRun noStatusDb = CliRun.of("sync", "status", "--db", dir.resolve("none.db").toString());

        assertThat(badInterval.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(badInterval.err()).contains("30s, 5m");
        assertThat(zeroInterval.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(noDb.err()).contains("--db");
        assertThat(noStatusDb.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(noStatusDb.err()).contains("there is no client database");
        // the in-process runs may have inherited $MOORING_SERVER or $MOORING_TOKEN: only assert what does not depend on them
        if (System.getenv("MOORING_SERVER") == null) {
            assertThat(noServer.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
            assertThat(noServer.err()).contains("--server");
        }
    }

    @Test
    void anUnreachableServerExitsWith22AndAnUnknownTokenWith21() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun down = CliRun.of("sync", "--db", db.toString(), "--server", "http://localhost:" + closed, "--token", token,
                "--tables", TABLES, "--locations", EXAMPLE.resolve("client").toString(), "--retries", "0");
        CliRun downJson = CliRun.of("sync", "--db", db.toString(), "--server", "http://localhost:" + closed, "--token",
                token, "--retries", "0", "--json");
        CliRun badToken = CliRun.of("sync", "--db", db.toString(), "--server", url, "--token", "not-a-real-token");

        assertThat(down.exitCode()).isEqualTo(ErrorCode.SYNC_UNAVAILABLE.exitCode());
        assertThat(down.err()).contains("Could not reach the sync server at http://localhost:" + closed);
        assertThat(new ObjectMapper().readTree(downJson.out()).at("/error/exitCode").asInt()).isEqualTo(22);
        assertThat(badToken.exitCode()).isEqualTo(ErrorCode.AUTHENTICATION.exitCode());
        assertThat(down.out() + down.err() + downJson.out() + downJson.err()).doesNotContain(token);
    }

    @Test
    void watchPrintsALinePerSyncAndGoesOnAfterAFailureUntilInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> watch = CompletableFuture.supplyAsync(() -> {
            runner[0] = Thread.currentThread();
            return MooringCli.execute(new PrintWriter(out), new PrintWriter(err), "sync", "--db", db.toString(),
                    "--server", url, "--token", token, "--tables", TABLES, "--locations",
                    EXAMPLE.resolve("client").toString(), "--retries", "0", "--watch", "--interval", "100ms");
        });
        awaitOutput(out, err, text -> text.lines().filter(l -> l.contains("  pulled ")).count() >= 2);
        serverGoesDown();
        awaitOutput(out, err, text -> text.lines().filter(l -> l.contains("failed (exit 22)")).count() >= 2);
        runner[0].interrupt();

        assertThat(watch.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Syncing " + db).contains("every 0.1s; Ctrl+C stops.")
                .contains("pulled 1 (bootstrap), applied 1, removed 0, pushed")
                .endsWith("Stopped." + System.lineSeparator())
                .doesNotContain(token);
    }

    @Test
    void livePrintsASyncForEachChangeOnEitherSideGoesOfflineAndStopsWhenInterrupted() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> live = CompletableFuture.supplyAsync(() -> {
            runner[0] = Thread.currentThread();
            return MooringCli.execute(new PrintWriter(out), new PrintWriter(err), "sync", "--db", db.toString(),
                    "--server", url, "--token", token, "--tables", TABLES, "--locations",
                    EXAMPLE.resolve("client").toString(), "--retries", "0", "--live");
        });
        awaitOutput(out, err, text -> text.contains("live: waiting for changes") && server.live().waiting() == 1);
        // a change made on the server reaches the client without a sync command or an interval
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO events (id, user_id, title, solar_date) VALUES ('" + EVENT + "', '" + USER
                    + "', 'From the web', '2026-12-01')");
        }
        awaitOutput(out, err, text -> text.contains("pulled 1, applied 1"));
        // an edit made on the client goes to the server once it pauses
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("UPDATE events SET title = 'Edited offline-first' WHERE id = '" + EVENT + "'");
        }
        awaitOutput(out, err, text -> text.contains("pushed 1"));
        try (Connection c = pg.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM events WHERE id = '" + EVENT + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Edited offline-first");
        }
        serverGoesDown();
        awaitOutput(out, err, text -> text.contains("offline (exit 22)"));
        runner[0].interrupt();

        assertThat(live.get(30, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("Syncing " + db).contains("live with " + url + "; Ctrl+C stops.")
                .contains("Next try at ").endsWith("Stopped." + System.lineSeparator()).doesNotContain(token);
        CliRun both = sync("--live", "--watch");
        assertThat(both.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(both.err()).contains("choose one");
    }

    private static void awaitOutput(StringWriter out, StringWriter err, Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.test(out.toString())) {
            assertThat(System.nanoTime()).as("waited for the watch; so far:\n" + out + err).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
