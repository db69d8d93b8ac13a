package dev.mooring.server.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.PackageGeneration;
import dev.mooring.server.PackageRequest;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;
import dev.mooring.sync.AvailablePackage;
import dev.mooring.sync.PackageDigest;
import dev.mooring.sync.PackageOrder;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.PackageDownloader;
import dev.mooring.sync.client.PackageSource;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static dev.mooring.server.packages.PackageFixture.ALICE;
import static dev.mooring.server.packages.PackageFixture.BOB;
import static dev.mooring.server.packages.PackageFixture.alicesNotes;
import static dev.mooring.server.packages.PackageFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /v1/packages} and {@code GET /v1/packages/{id}} on a real server, and the client's download API. */
class PackageHttpTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    PackageFixture f;
    SyncServer server;
    String alice;
    String bob;
    PackageGeneration alices;
    PackageGeneration shared;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        f = new PackageFixture(pg.dataSource(), dir);
        f.notes(ALICE, 50);
        f.notes(BOB, 5);
        f.server("INSERT INTO holidays (id, name) VALUES ('tet', 'Tết')");
        alices = f.cut(alicesNotes(), "alice.mpkg");
        shared = f.cut(PackageRequest.shared("holidays", "holidays"), "holidays.mpkg");
        server = SyncServer.start(pg.dataSource(), f.config, ServerOptions.defaults().withPort(0)
                .withPackagesDir(Files.createDirectories(dir.resolve("served"))));
        Tokens tokens = Tokens.create(pg.dataSource());
        alice = tokens.issue(ALICE, "test").token();
        bob = tokens.issue(BOB, "test").token();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HttpResponse<byte[]> get(String path, String token, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path)).header("Authorization",
                "Bearer " + token);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aUserListsTheirOwnPackagesAndSharedOnesOnly() throws Exception {
        JsonNode aliceSees = new ObjectMapper().readTree(get("/v1/packages", alice).body());
        JsonNode bobSees = new ObjectMapper().readTree(get("/v1/packages", bob).body());

        assertThat(aliceSees.path("packages").findValuesAsText("id"))
                .containsExactly(shared.manifest().id(), alices.manifest().id());
        assertThat(bobSees.path("packages").findValuesAsText("id")).containsExactly(shared.manifest().id());
        JsonNode entry = aliceSees.path("packages").get(1);
        assertThat(entry.path("sha256").asText()).isEqualTo(alices.sha256());
        assertThat(entry.path("size").asLong()).isEqualTo(alices.size());
        assertThat(entry.path("user").asText()).isEqualTo(ALICE);
        assertThat(entry.path("version").asLong()).isEqualTo(alices.manifest().version());
    }

    @Test
    void anotherUsersPackageIsNotFoundAsIfItDidNotExist() throws Exception {
        HttpResponse<byte[]> foreign = get("/v1/packages/" + alices.manifest().id(), bob);
        HttpResponse<byte[]> unknown = get("/v1/packages/00000000-0000-0000-0000-000000000000", bob);
        HttpResponse<byte[]> malformed = get("/v1/packages/not-a-uuid", bob);

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(malformed.statusCode()).isEqualTo(404);
        assertThat(new String(foreign.body())).doesNotContain(ALICE)
                .isEqualTo(new String(unknown.body()).replace("00000000-0000-0000-0000-000000000000",
                        alices.manifest().id()));
        assertThat(get("/v1/packages/" + shared.manifest().id(), bob).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/packages")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
    }

    @Test
    void aDownloadIsTheFileWithItsDigestAsEntityTagAndRangesAreServed() throws Exception {
        byte[] file = Files.readAllBytes(alices.file());
        String path = "/v1/packages/" + alices.manifest().id();

        HttpResponse<byte[]> whole = get(path, alice, "Accept-Encoding", "gzip");
        HttpResponse<byte[]> middle = get(path, alice, "Range", "bytes=10-19");
        HttpResponse<byte[]> tail = get(path, alice, "Range", "bytes=-7");
        HttpResponse<byte[]> beyond = get(path, alice, "Range", "bytes=" + file.length + "-");
        HttpResponse<byte[]> staleTag = get(path, alice, "Range", "bytes=10-19", "If-Range", "\"other\"");

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(file);
        assertThat(whole.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(whole.headers().firstValue("ETag")).contains("\"" + alices.sha256() + "\"");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).contains("bytes 10-19/" + file.length);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(file, 10, 20));
        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(file, file.length - 7, file.length));
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + file.length);
        assertThat(staleTag.statusCode()).isEqualTo(200);
        assertThat(staleTag.body()).isEqualTo(file);
    }

    @Test
    void anInterruptedDownloadResumesWhereItStoppedAndMatchesTheDigest() throws Exception {
        byte[] file = Files.readAllBytes(alices.file());
        Path target = dir.resolve("download.mpkg");
        // what an interrupted attempt left: the first bytes, fetched with a range request
        int n = file.length / 3;
        Files.write(dir.resolve("download.mpkg.part"),
                get("/v1/packages/" + alices.manifest().id(), alice, "Range", "bytes=0-" + (n - 1)).body());
        try (HttpTransport transport = HttpTransport.create(server.uri(), alice)) {
            PackageDownloader.Downloaded done = PackageDownloader.over(transport).download(alices.manifest().id(), target);

            assertThat(done.resumedFrom()).isEqualTo(n);
            assertThat(PackageDigest.file(target)).isEqualTo(alices.sha256());
            assertThat(Files.exists(dir.resolve("download.mpkg.part"))).isFalse();
        }
    }

    @Test
    void aPartialDownloadThatDoesNotMatchIsDeletedAndTheNextStartsOver() throws Exception {
        Path target = dir.resolve("download.mpkg");
        Path part = dir.resolve("download.mpkg.part");
        Files.write(part, new byte[100]);
        try (HttpTransport transport = HttpTransport.create(server.uri(), alice)) {
            PackageDownloader server = PackageDownloader.over(transport);
            assertThatThrownBy(() -> server.download(alices.manifest().id(), target))
                    .isInstanceOfSatisfying(MooringException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_CORRUPT));
            assertThat(Files.exists(part)).isFalse();

            assertThat(server.download(alices.manifest().id(), target).resumedFrom()).isZero();
            assertThat(PackageDigest.file(target)).isEqualTo(alices.sha256());
        }
    }

    @Test
    void aClientDownloadsAndImportsItsUsersPackageAndSyncContinuesFromIt() throws Exception {
        try (HttpTransport transport = HttpTransport.create(server.uri(), alice);
             SyncClient phone = f.notesClient("phone")) {
            PackageDownloader downloads = PackageDownloader.over(transport);
            AvailablePackage listed = downloads.list().stream().filter(p -> "notes".equals(p.type())).findFirst()
                    .orElseThrow();

            ImportResult result = phone.downloadPackage(downloads, listed.id());

            assertThat(result.source()).isEqualTo(PackageSource.DOWNLOAD);
            assertThat(result.written()).containsEntry("notes", 50L);
            assertThat(result.cursorMoved()).as(result.cursorNote()).isTrue();
            assertThat(phone.packages()).singleElement().satisfies(p -> {
                assertThat(p.source()).isEqualTo(PackageSource.DOWNLOAD);
                assertThat(PackageDigest.file(p.file())).isEqualTo(alices.sha256());
            });
            f.server("UPDATE notes SET title = 'later' WHERE title = 'note 7' AND user_id = 'alice'");
            assertThat(phone.sync(transport).pulled()).isEqualTo(1);
            assertThat(scalar(phone, "SELECT count(*) FROM notes")).isEqualTo("50");
        }
    }

    @Test
    void aUserOrdersAPackageOfTheirRowsAndAnUnchangedOneIsServedAgain() throws Exception {
        try (HttpTransport transport = HttpTransport.create(server.uri(), alice)) {
            PackageDownloader downloads = PackageDownloader.over(transport);
            PackageOrder order = new PackageOrder("mine", List.of("notes", "tags"), false);

            AvailablePackage first = downloads.order(order);
            AvailablePackage again = downloads.order(order);

            assertThat(first.user()).isEqualTo(ALICE);
            assertThat(first.type()).isEqualTo("mine");
            assertThat(again.id()).isEqualTo(first.id());
            assertThat(again.sha256()).isEqualTo(first.sha256());
            assertThat(downloads.list()).extracting(AvailablePackage::id).contains(first.id());
            assertThat(f.serverScalar("SELECT string_agg(requested_by || ':' || reused, ',' ORDER BY id)"
                    + " FROM mooring.package_generations WHERE name = 'mine'")).isEqualTo("alice:false,alice:true");
            assertThat(f.serverScalar("SELECT count(*) FROM mooring.package_generations WHERE name = 'mine'"
                    + " AND path LIKE '" + dir.resolve("served") + "/%'")).isEqualTo("2");
        }
        try (HttpTransport transport = HttpTransport.create(server.uri(), bob)) {
            assertThatThrownBy(() -> PackageDownloader.over(transport).order(new PackageOrder("all", List.of("notes"),
                    true))).isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage()).contains("notes is owned by users");
                    });
        }
    }

    @Test
    void aPackageOneInstanceCutIsListedAndServedByAnotherOnTheSameFolder() throws Exception {
        try (SyncServer other = SyncServer.start(pg.dataSource(), f.config, ServerOptions.defaults().withPort(0)
                .withPackagesDir(dir.resolve("served")));
             HttpTransport here = HttpTransport.create(server.uri(), alice);
             HttpTransport there = HttpTransport.create(other.uri(), alice)) {
            AvailablePackage ordered = PackageDownloader.over(here).order(new PackageOrder("mine", List.of("notes"), false));
            Path target = dir.resolve("from-the-other.mpkg");

            assertThat(PackageDownloader.over(there).list()).extracting(AvailablePackage::id).contains(ordered.id());
            PackageDownloader.over(there).download(ordered.id(), target);
            assertThat(PackageDigest.file(target)).isEqualTo(ordered.sha256());
            // and an unchanged order through the other instance is served from the same cut
            assertThat(PackageDownloader.over(there).order(new PackageOrder("mine", List.of("notes"), false)).id())
                    .isEqualTo(ordered.id());
        }
    }

    @Test
    void aUserHasOnePackageCutAtATimeAndASecondOrderMeanwhileIsAskedToComeBack() throws Exception {
        byte[] order = dev.mooring.sync.SyncJson.mapper().writeValueAsBytes(new PackageOrder("mine", List.of("notes"),
                false));
        java.util.function.Function<String, java.util.concurrent.CompletableFuture<HttpResponse<String>>> post =
                token -> http.sendAsync(HttpRequest.newBuilder(URI.create(server.uri() + "/v1/packages"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(order)).build(), HttpResponse.BodyHandlers.ofString());
        try (java.sql.Connection lock = pg.dataSource().getConnection();
             java.sql.Statement s = lock.createStatement()) {
            // holds the cuts at their snapshot read of notes, so the first order is certainly still running
            lock.setAutoCommit(false);
            s.execute("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE");
            var alicesFirst = post.apply(alice);
            var bobs = post.apply(bob);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            // alice's cut waits for notes; bob's for alice's (cuts take an advisory lock), not for the guard
            while (!"2".equals(f.serverScalar("SELECT count(*) FROM pg_locks WHERE NOT granted"))) {
                assertThat(System.nanoTime()).as("both cuts wait").isLessThan(deadline);
                Thread.sleep(20);
            }

            HttpResponse<String> alicesSecond = post.apply(alice).get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(alicesSecond.statusCode()).isEqualTo(429);
            assertThat(alicesSecond.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(new ObjectMapper().readTree(alicesSecond.body()).path("error").asText()).isEqualTo("busy");
            lock.commit();
            assertThat(alicesFirst.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(bobs.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).as("another user's")
                    .isEqualTo(200);
        }
        assertThat(post.apply(alice).get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode())
                .as("once the first is done").isEqualTo(200);
    }

    @Test
    void aServerWithoutAPackagesFolderTakesNoOrders() throws Exception {
        try (SyncServer plain = SyncServer.start(pg.dataSource(), f.config, ServerOptions.defaults().withPort(0));
             HttpTransport transport = HttpTransport.create(plain.uri(), alice)) {
            assertThatThrownBy(() -> PackageDownloader.over(transport).order(new PackageOrder("mine",
                    List.of("notes"), false))).isInstanceOfSatisfying(MooringException.class,
                    e -> assertThat(e.getMessage()).contains("cuts no packages on request"));
        }
    }

    @Test
    void aPackageOfAnotherUserCannotBeDownloadedThroughTheClientApi() throws Exception {
        try (HttpTransport transport = HttpTransport.create(server.uri(), bob)) {
            assertThatThrownBy(() -> PackageDownloader.over(transport).download(alices.manifest().id(),
                    dir.resolve("x.mpkg")))
                    .isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                        assertThat(e.getMessage()).contains("has no package " + alices.manifest().id());
                    });
        }
    }
}
