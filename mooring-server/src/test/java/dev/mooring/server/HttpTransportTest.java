package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link HttpTransport} against a real {@link SyncServer} on port 0, and against canned answers for failures. */
class HttpTransportTest extends SyncTransportContract {
    static final Duration SHORT = Duration.ofMillis(300);

    SyncServer server;
    final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = SyncServer.start(pg.dataSource(), config, ServerOptions.defaults().withPort(0)
                .withMaxRequestBytes(64 * 1024).withServerSchemaVersion(SERVER_VERSION)
                .withMinimumClientVersion(MINIMUM_CLIENT));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        server.close();
    }

    @Override
    SyncTransport connect(String user) {
        return open(HttpTransport.create(server.uri(), token(user)));
    }

    String token(String user) {
        return Tokens.create(pg.dataSource()).issue(user, "test").token();
    }

    <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @Test
    void bigPagesAndBatchesTravelGzipCompressed() throws Exception {
        execute(pg.dataSource(), "INSERT INTO holidays (id, name) SELECT 'h' || i, 'a public holiday with a long name '"
                + " || i FROM generate_series(1, 10000) AS i");
        WireTap tap = open(new WireTap(server.uri()));
        SyncTransport alice = open(HttpTransport.create(tap.uri(), token("alice")));

        PullResponse page = alice.pull("laptop", null, 10_000);
        List<RowChange> changes = IntStream.rangeClosed(1, 20).mapToObj(i -> upsert("phone", i, T + i, "notes",
                note(i), "title", "a note typed on the phone, number " + i)).toList();
        var pushed = alice.push(new PushRequest("phone", changes));

        assertThat(page.changes()).hasSize(10_000);
        assertThat(tap.fromClient().toLowerCase(Locale.ROOT)).contains("accept-encoding: gzip")
                .contains("content-encoding: gzip");
        assertThat(tap.fromServer().toLowerCase(Locale.ROOT)).contains("content-encoding: gzip");
        assertThat(tap.fromServer().length()).as("the page went compressed").isLessThan(1_000_000);
        assertThat(pushed.results()).hasSize(20).allSatisfy(r -> assertThat(r.status()).isEqualTo(ChangeStatus.APPLIED));
    }

    @Test
    void callsGoToTheRoutesUnderTheServerUrlsPathPrefix() throws Exception {
        CannedHttpServer proxy = open(CannedHttpServer.answering(200, "application/json",
                "{\"changes\":[],\"nextCursor\":\"c1.5.0\",\"hasMore\":false,\"bootstrap\":false,"
                        + "\"serverTime\":\"001760000000000-00000-server\"}"));
        HttpTransport transport = open(HttpTransport.create(URI.create(proxy.uri() + "/sync/"), "mt_token"));

        PullResponse page = transport.pull("my phone", "c1.4.0", 50);

        assertThat(transport.serverUrl()).isEqualTo(URI.create(proxy.uri() + "/sync"));
        assertThat(page.nextCursor()).isEqualTo("c1.5.0");
        CannedHttpServer.Request request = proxy.last();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo("/sync/v1/changes");
        assertThat(request.rawQuery()).isEqualTo("node=my+phone&cursor=c1.4.0&limit=50");
        assertThat(request.headers().getFirst("Authorization")).isEqualTo("Bearer mt_token");
        assertThat(request.headers().getFirst("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void requestBodiesOfAKilobyteOrMoreAreSentCompressed() throws Exception {
        CannedHttpServer canned = open(CannedHttpServer.answering(200, "application/json",
                "{\"results\":[],\"serverTime\":\"001760000000000-00000-server\"}"));
        HttpTransport transport = open(HttpTransport.create(canned.uri(), "mt_token"));

        transport.push(new PushRequest("phone", List.of(upsert("phone", 1, T, "notes", note(1), "title",
                "x".repeat(5000)))));
        CannedHttpServer.Request big = canned.last();
        failure(() -> transport.handshake(new Handshake("phone", "1", Set.of())));
        CannedHttpServer.Request small = canned.last();

        assertThat(big.headers().getFirst("Content-Encoding")).isEqualTo("gzip");
        assertThat(big.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(big.body().length).isLessThan(1000);
        assertThat(gunzip(big.body())).startsWith("{\"nodeId\":\"phone\"").contains("x".repeat(5000));
        assertThat(small.headers().getFirst("Content-Encoding")).isNull();
        assertThat(new String(small.body(), StandardCharsets.UTF_8)).startsWith("{\"nodeId\":\"phone\"");
    }

    @Test
    void aTokenTheServerDoesNotKnowIsRefusedWithoutEchoingIt() {
        String forged = "mt_forged0123456789abcdef";
        String revoked = token("carol");
        Tokens.create(pg.dataSource()).revoke(revoked);

        for (String token : List.of(forged, revoked)) {
            HttpTransport transport = open(HttpTransport.create(server.uri(), token));
            TransportException e = failure(() -> transport.pull("laptop", null, 10));

            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains(server.uri().toString()).contains("GET /v1/changes")
                    .contains("mooring token create").doesNotContain(token);
            assertThat(transport.toString()).doesNotContain(token);
        }
    }

    @Test
    void aStoppedServerIsUnavailableAndWorthRetrying() {
        SyncTransport alice = connect("alice");
        alice.handshake(new Handshake("laptop", "20260210143000", Set.of()));
        URI url = server.uri();
        server.close();

        TransportException e = failure(() -> alice.pull("laptop", null, 10));

        assertThat(e.code()).isEqualTo(ErrorCode.SYNC_UNAVAILABLE);
        assertThat(e.retryable()).isTrue();
        assertThat(e.status()).isZero();
        assertThat(e.getMessage()).contains("Could not reach the sync server at " + url)
                .contains("GET /v1/changes").contains("a later attempt may succeed");
    }

    @Test
    void aServerThatDoesNotAnswerInTimeIsUnavailableAndWorthRetrying() throws Exception {
        CannedHttpServer silent = open(CannedHttpServer.silent());
        CannedHttpServer stalling = open(CannedHttpServer.stallingMidAnswer());

        for (CannedHttpServer slow : List.of(silent, stalling)) {
            HttpTransport transport = open(HttpTransport.create(slow.uri(), "mt_token", SHORT));
            TransportException e = failure(() -> transport.pull("laptop", null, 10));

            assertThat(e.code()).isEqualTo(ErrorCode.SYNC_UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("no answer within 300 ms");
        }
    }

    @Test
    void serverErrorsAreWorthRetryingAndCarryTheServersMessage() throws Exception {
        CannedHttpServer busy = open(CannedHttpServer.answering(503, "application/json",
                "{\"error\":\"unavailable\",\"message\":\"the database could not complete this request\"}"));
        CannedHttpServer proxy = open(CannedHttpServer.answering(502, "text/html", "<html>Bad Gateway</html>"));

        TransportException fromServer = failure(() -> open(HttpTransport.create(busy.uri(), "t1")).pull("n", null, 1));
        TransportException fromProxy = failure(() -> open(HttpTransport.create(proxy.uri(), "t1")).pull("n", null, 1));

        assertThat(List.of(fromServer, fromProxy)).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SYNC_UNAVAILABLE);
            assertThat(e.retryable()).isTrue();
        });
        assertThat(fromServer.status()).isEqualTo(503);
        assertThat(fromServer.getMessage()).contains("the database could not complete this request");
        assertThat(fromProxy.status()).isEqualTo(502);
        assertThat(fromProxy.getMessage()).contains("502 on GET /v1/changes").doesNotContain("<html>");
    }

    @Test
    void anAnswerThatIsNotTheProtocolsJsonIsAnInternalError() throws Exception {
        CannedHttpServer portal = open(CannedHttpServer.answering(200, "text/html", "<html>Sign in to the Wi-Fi</html>"));

        TransportException e = failure(() -> open(HttpTransport.create(portal.uri(), "t1")).pull("n", null, 1));

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("cannot read").contains(portal.uri().toString());
    }

    @Test
    void aRedirectNamesWhereTheServerMoved() throws Exception {
        CannedHttpServer moved = open(CannedHttpServer.answering(301, "text/plain", "",
                "Location", "https://sync.example.com/v1/changes"));

        TransportException e = failure(() -> open(HttpTransport.create(moved.uri(), "t1")).pull("n", null, 1));

        assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("https://sync.example.com/v1/changes");
    }

    @Test
    void aBatchLargerThanTheServerTakesIsRefusedWithTheFix() {
        SyncTransport alice = connect("alice");
        List<RowChange> changes = IntStream.rangeClosed(1, 40).mapToObj(i -> upsert("phone", i, T + i, "notes",
                note(i), "title", java.util.UUID.randomUUID().toString().repeat(60))).toList();

        TransportException e = failure(() -> alice.push(new PushRequest("phone", changes)));

        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("lower the push batch size");
    }

    @Test
    void aWrongServerUrlIsRefusedAsUsage() {
        SyncTransport wrongPrefix = open(HttpTransport.create(URI.create(server.uri() + "/sync"), token("alice")));

        TransportException e = failure(() -> wrongPrefix.pull("laptop", null, 10));

        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).contains(server.uri() + "/sync").contains("path prefix");
    }

    @Test
    void settingsThatCannotWorkAreRefusedWhenTheTransportIsCreated() {
        URI url = server.uri();

        assertThatThrownBy(() -> HttpTransport.create(url, "  \n")).isInstanceOf(MooringException.class)
                .hasMessageContaining("token is blank");
        assertThatThrownBy(() -> HttpTransport.create(url, "mt_one two")).hasMessageContaining("spaces")
                .hasMessageNotContaining("one two");
        assertThatThrownBy(() -> HttpTransport.create(URI.create("ftp://example.com"), "t1"))
                .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> HttpTransport.create(URI.create("https://me:hunter2@example.com"), "t1"))
                .hasMessageContaining("credentials").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> HttpTransport.create(url, "t1", Duration.ZERO))
                .hasMessageContaining("time-out must be more than zero");
        assertThat(HttpTransport.create(url, " mt_padded\n").toString()).isEqualTo("HttpTransport[" + url + "]");
    }

    @Test
    void aClosedTransportRefusesCalls() {
        SyncTransport alice = connect("alice");
        alice.close();

        TransportException e = failure(() -> alice.pull("laptop", null, 10));

        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("closed");
    }

    static String gunzip(byte[] bytes) throws Exception {
        return new String(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(), StandardCharsets.UTF_8);
    }
}
