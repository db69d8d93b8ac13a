package dev.mooring.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.mooring.server.SyncTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class HealthAlertsTest {
    /** The first webhook retry's wait: 1 s in production; the next ones double it. */
    static final Duration QUICK_RETRY = Duration.ofMillis(20);
    static final Duration PATIENCE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    static DataSource ds;

    @BeforeAll
    static void install() throws Exception {
        ds = pg.dataSource();
        execute(ds, SyncTestSupport.SCHEMA);
        SyncSchema.install(ds, SyncTestSupport.config());
    }

    @BeforeEach
    void healthy() throws Exception {
        execute(ds, "DELETE FROM mooring.conflicts; DELETE FROM mooring.sync_sessions; DELETE FROM mooring.change_log;"
                + " DELETE FROM mooring.nodes; DELETE FROM notes");
    }

    @Test
    void anAlertFiresOncePerCrossingResolvesAndFiresAgainOnTheNext() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(204, "text/plain", "");
             CapturedLog log = new CapturedLog();
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri().resolve("/hooks/mooring")),
                     QUICK_RETRY)) {
            assertThat(pendingConflicts(alerts.states())).extracting(AlertState::firing, AlertState::value)
                    .containsExactly(false, 0.0);

            addPendingConflicts(3);
            Instant crossed = Instant.now();
            for (int i = 0; i < 3; i++) {
                alerts.evaluateNow();
            }
            AlertState firing = pendingConflicts(alerts.states());
            resolveConflicts();
            alerts.evaluateNow();
            alerts.evaluateNow();
            addPendingConflicts(5);
            alerts.evaluateNow();
            alerts.evaluateNow();
            resolveConflicts();
            alerts.evaluateNow();

            assertThat(firing.firing()).isTrue();
            assertThat(firing.value()).isEqualTo(3.0);
            assertThat(firing.threshold()).isEqualTo(2.0);
            assertThat(firing.since()).as("the first evaluation above").isBetween(crossed, firing.evaluatedAt())
                    .isBefore(firing.evaluatedAt());
            assertThat(pendingConflicts(alerts.states()).firing()).isFalse();
            // delivered in order: a POST of an evaluation that changed nothing would show up before the next one
            List<CannedHttpServer.Request> posts = receiver.awaitRequests(4, PATIENCE);
            assertThat(states(posts)).containsExactly("firing", "resolved", "firing", "resolved");
            CannedHttpServer.Request first = posts.get(0);
            assertThat(first.method()).isEqualTo("POST");
            assertThat(first.rawPath()).isEqualTo("/hooks/mooring");
            assertThat(first.headers().getFirst("Content-Type")).isEqualTo("application/json");
            JsonNode body = body(first);
            assertThat(body.fieldNames()).toIterable()
                    .containsExactly("alert", "state", "value", "threshold", "at", "server", "message");
            assertThat(body.get("alert").asText()).isEqualTo("pending-conflicts");
            assertThat(body.get("value").isIntegralNumber()).isTrue();
            assertThat(body.get("value").asLong()).isEqualTo(3);
            assertThat(body.get("threshold").asLong()).isEqualTo(2);
            assertThat(Instant.parse(body.get("at").asText())).isEqualTo(firing.since());
            assertThat(body.get("server").asText()).isEqualTo("sync-test-1");
            assertThat(body.get("message").asText()).startsWith("Alert pending-conflicts is firing: 3 conflicts wait")
                    .contains("threshold of 2").contains("mooring conflicts resolve");
            assertThat(body(posts.get(2)).get("value").asLong()).isEqualTo(5);
            assertThat(body(posts.get(3)).get("message").asText())
                    .isEqualTo("Alert pending-conflicts resolved: 0 conflicts wait for a person to resolve, back within"
                            + " its threshold of 2.");
            assertThat(log.lines("Alert pending-conflicts is firing")).hasSize(2).allMatch(line -> line.contains("WARN"));
            assertThat(log.lines("Alert pending-conflicts resolved")).hasSize(2).allMatch(line -> line.contains("INFO"));
        }
    }

    @Test
    void eachAlertReadsItsFigureFromTheHealthReport() throws Exception {
        SyncSessions.record(ds, "n1", "u1", "push", 10, 10, 2, 0, true, null);
        for (int i = 0; i < 3; i++) {
            SyncSessions.record(ds, "n1", "u1", "push", 10, 0, 0, 0, false, "the database refused it");
        }
        execute(ds, "INSERT INTO mooring.nodes (node_id, user_id, last_pulled) VALUES ('n1', 'u1', pg_current_xact_id())");
        execute(ds, "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-000000000001', 'u1', 'x')");
        execute(ds, "UPDATE mooring.change_log SET changed_at = now() - interval '2 days'");
        AlertSettings settings = AlertSettings.defaults().withThreshold(Alert.FAILED_SYNCS_PER_HOUR, 2)
                .withThreshold(Alert.CONFLICT_RATE, 0.1).withThreshold(Alert.OLDEST_UNDELIVERED_CHANGE, 3600);

        try (CapturedLog log = new CapturedLog(); HealthAlerts alerts = HealthAlerts.start(ds, settings, QUICK_RETRY)) {
            List<AlertState> states = alerts.evaluateNow();

            assertThat(states).extracting(AlertState::name).containsExactly("pending-conflicts",
                    "failed-syncs-per-hour", "conflict-rate", "oldest-undelivered-change");
            assertThat(states).extracting(AlertState::firing).containsExactly(false, true, true, true);
            assertThat(states.get(1).value()).isEqualTo(3.0);
            assertThat(states.get(2).value()).isCloseTo(0.2, within(1e-9));
            assertThat(states.get(3).value()).isCloseTo(Duration.ofDays(2).toSeconds(), within(60.0));
            assertThat(log.lines("WARN")).anyMatch(line -> line.contains("Alert failed-syncs-per-hour is firing: 3 syncs"
                            + " failed in the last hour, above its threshold of 2. Their errors are in mooring.sync_sessions"))
                    .anyMatch(line -> line.contains("Alert conflict-rate is firing: 20% of the changes synced in the last"
                            + " hour met a conflict, above its threshold of 10%."))
                    .anyMatch(line -> line.contains("Alert oldest-undelivered-change is firing: The oldest change a device"
                            + " has not pulled is 2 days old, above its threshold of 60 min."));
        }
    }

    @Test
    void anAlertThatIsOffIsNeitherEvaluatedNorReported() throws Exception {
        addPendingConflicts(200);
        AlertSettings settings = AlertSettings.defaults().withAlertOff(Alert.PENDING_CONFLICTS);

        try (HealthAlerts alerts = HealthAlerts.start(ds, settings, QUICK_RETRY)) {
            assertThat(alerts.evaluateNow()).extracting(AlertState::alert).doesNotContain(Alert.PENDING_CONFLICTS)
                    .hasSize(3);
        }
    }

    @Test
    void aReceiverThatNeverAnswersIsRetriedAndHoldsUpNoEvaluation() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.silent();
             CapturedLog log = new CapturedLog();
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri())
                     .withWebhookTimeout(Duration.ofMillis(100)), QUICK_RETRY)) {
            addPendingConflicts(3);
            // the receiver holds every request until the test ends: an evaluation that waited for it would never end
            List<AlertState> fired = assertTimeoutPreemptively(PATIENCE, () -> alerts.evaluateNow());
            resolveConflicts();
            List<AlertState> resolved = assertTimeoutPreemptively(PATIENCE, () -> alerts.evaluateNow());

            assertThat(pendingConflicts(fired).firing()).isTrue();
            assertThat(pendingConflicts(resolved).firing()).isFalse();
            // 1 attempt and 3 retries each, one notification after the other
            assertThat(states(receiver.awaitRequests(8, PATIENCE))).containsExactly("firing", "firing", "firing",
                    "firing", "resolved", "resolved", "resolved", "resolved");
            assertThat(log.awaitLines("Could not send the firing notification", PATIENCE)).singleElement().asString()
                    .contains("WARN").contains("in 4 attempts (the last: no answer within 100ms)");
        }
    }

    @Test
    void aServerErrorIsRetried() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(503, "text/plain", "down for maintenance");
             CapturedLog log = new CapturedLog();
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri()), QUICK_RETRY)) {
            crossAndComeBack(alerts);

            assertThat(states(receiver.awaitRequests(5, PATIENCE))).containsExactly("firing", "firing", "firing", "firing", "resolved");
            assertThat(log.awaitLines("Could not send the firing notification", PATIENCE)).singleElement().asString()
                    .contains("(the last: HTTP 503: down for maintenance)");
        }
    }

    @Test
    void aClientErrorIsLoggedAndNotRetried() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(400, "text/plain", "unknown channel");
             CapturedLog log = new CapturedLog();
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri()), QUICK_RETRY)) {
            crossAndComeBack(alerts);

            assertThat(states(receiver.awaitRequests(2, PATIENCE))).containsExactly("firing", "resolved");
            assertThat(log.awaitLines("refused the firing notification", PATIENCE)).singleElement().asString()
                    .contains("WARN").contains("HTTP 400: unknown channel; it is not sent again");
        }
    }

    @Test
    void theWebhooksSecretsNeverReachTheLog() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(401, "text/plain",
                "no such token: s3cr3t-t0ken for alice");
             CapturedLog log = new CapturedLog()) {
            URI refusing = URI.create("http://alice:pa55w0rd@" + receiver.uri().getAuthority()
                    + "/hook/T0123/abcdefghijklmnopqrstuvwx?token=s3cr3t-t0ken");
            URI unreachable = URI.create("http://" + closedPort() + "/hook?token=s3cr3t-t0ken");
            try (HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, refusing), QUICK_RETRY);
                 HealthAlerts alsoAlerts = HealthAlerts.start(ds, conflictsAbove(2, unreachable), QUICK_RETRY)) {
                addPendingConflicts(3);
                alerts.evaluateNow();
                alsoAlerts.evaluateNow();

                CannedHttpServer.Request sent = receiver.awaitRequests(1, PATIENCE).get(0);
                assertThat(sent.rawQuery()).isEqualTo("token=s3cr3t-t0ken");
                assertThat(sent.headers().getFirst("Authorization")).isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString("alice:pa55w0rd".getBytes(StandardCharsets.UTF_8)));
                assertThat(log.awaitLines("refused the firing notification", PATIENCE)).singleElement().asString()
                        .contains("http://" + receiver.uri().getAuthority() + "/hook/T0123/***")
                        .contains("HTTP 401: no such token: *** for alice");
                assertThat(log.awaitLines("Could not send the firing notification", PATIENCE)).singleElement()
                        .asString().contains("http://" + unreachable.getAuthority() + "/hook in 4 attempts (the last: could not connect)");
                assertThat(alerts.settings().toString()).contains("webhook=http://" + receiver.uri().getAuthority()
                        + "/hook/T0123/***,");
            }
            assertThat(log.text()).doesNotContain("s3cr3t").doesNotContain("pa55w0rd")
                    .doesNotContain("abcdefghijklmnopqrstuvwx");
        }
    }

    @Test
    void anUnreadableDatabaseLeavesTheAlertsAsTheyWereAndSaysSoOnce() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(204, "text/plain", "");
             CapturedLog log = new CapturedLog();
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri()), QUICK_RETRY)) {
            addPendingConflicts(3);
            AlertState firing = pendingConflicts(alerts.evaluateNow());
            List<AlertState> whileUnreadable = new ArrayList<>();
            execute(ds, "ALTER TABLE mooring.conflicts RENAME TO conflicts_away");
            try {
                for (int i = 0; i < 3; i++) {
                    whileUnreadable.add(pendingConflicts(alerts.evaluateNow()));
                }
            } finally {
                execute(ds, "ALTER TABLE mooring.conflicts_away RENAME TO conflicts");
            }
            resolveConflicts();
            AlertState resolved = pendingConflicts(alerts.evaluateNow());

            assertThat(whileUnreadable).containsOnly(firing);
            assertThat(resolved.firing()).isFalse();
            assertThat(states(receiver.awaitRequests(2, PATIENCE))).containsExactly("firing", "resolved");
            assertThat(log.lines("Could not evaluate the health alerts")).singleElement().asString().contains("WARN")
                    .contains("conflicts").contains("tried again every 1m");
            assertThat(log.lines("The health alerts are evaluated again")).hasSize(1);
        }
    }

    @Test
    void evaluationsAtTheSameTimeStillFireOnce() throws Exception {
        try (CannedHttpServer receiver = CannedHttpServer.answering(204, "text/plain", "");
             HealthAlerts alerts = HealthAlerts.start(ds, conflictsAbove(2, receiver.uri()), QUICK_RETRY)) {
            addPendingConflicts(3);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    running.add(threads.submit((Callable<Void>) () -> {
                        for (int i = 0; i < 3; i++) {
                            alerts.evaluateNow();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                threads.shutdownNow();
            }
            resolveConflicts();
            alerts.evaluateNow();

            assertThat(states(receiver.awaitRequests(2, PATIENCE))).containsExactly("firing", "resolved");
        }
    }

    @Test
    void aServerStartedWithAlertsEvaluatesThemOnItsOwnSchedule() throws Exception {
        AlertSettings settings = conflictsAbove(2, null).withEvery(Duration.ofSeconds(1));
        try (SyncServer server = SyncServer.start(ds, SyncTestSupport.config(),
                ServerOptions.defaults().withPort(0).withAlerts(settings))) {
            HealthAlerts alerts = server.alerts().orElseThrow();
            assertThat(alerts.states()).as("evaluated at start").allMatch(state -> state.evaluatedAt() != null);

            addPendingConflicts(3);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!pendingConflicts(alerts.states()).firing() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            assertThat(pendingConflicts(alerts.states()).firing()).isTrue();
            assertThat(alerts.settings()).isEqualTo(settings);
        }
    }

    /** The default alerts, with pending-conflicts above {@code threshold} and notifications to {@code webhook}. */
    static AlertSettings conflictsAbove(int threshold, URI webhook) {
        return AlertSettings.defaults().withThreshold(Alert.PENDING_CONFLICTS, threshold).withWebhook(webhook)
                .withWebhookTimeout(Duration.ofSeconds(2)).withServerName("sync-test-1");
    }

    static AlertState pendingConflicts(List<AlertState> states) {
        return states.stream().filter(s -> s.alert() == Alert.PENDING_CONFLICTS).findFirst().orElseThrow();
    }

    /** pending-conflicts fires, then resolves. */
    static void crossAndComeBack(HealthAlerts alerts) throws Exception {
        addPendingConflicts(3);
        alerts.evaluateNow();
        resolveConflicts();
        alerts.evaluateNow();
    }

    static void addPendingConflicts(int count) throws Exception {
        execute(ds, "INSERT INTO mooring.conflicts (table_name, record_id, audience, client_node, client_hlc, client_seq,"
                + " rule, result, status) SELECT 'notes', g::text, 'u1', 'n1', '0', g, 'manual', 'pending', 'pending'"
                + " FROM generate_series(1, " + count + ") g");
    }

    static void resolveConflicts() throws Exception {
        execute(ds, "UPDATE mooring.conflicts SET status = 'resolved', resolved_at = now() WHERE status = 'pending'");
    }

    /** The {@code state} of each notification. */
    static List<String> states(List<CannedHttpServer.Request> posts) {
        return posts.stream().map(post -> body(post).get("state").asText()).toList();
    }

    static JsonNode body(CannedHttpServer.Request request) {
        try {
            return JSON.readTree(request.body());
        } catch (IOException e) {
            throw new AssertionError("the webhook body is not JSON: " + new String(request.body(), StandardCharsets.UTF_8), e);
        }
    }

    /** host:port where nothing listens (any more). */
    static String closedPort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }
}
