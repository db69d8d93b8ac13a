package dev.mooring.server;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.spi.SyncTransport;
import dev.mooring.sync.spi.TransportException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What a {@link SyncTransport} to a Mooring server does, whatever carries the calls: the subclasses run it over HTTP
 * and in-process against a real PostgreSQL. The server runs schema version {@link #SERVER_VERSION} and accepts
 * clients from {@link #MINIMUM_CLIENT}.
 */
abstract class SyncTransportContract {
    static final String SERVER_VERSION = "20260210140000";
    static final String MINIMUM_CLIENT = "20260105093000";
    static final long T = System.currentTimeMillis();

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    SyncConfig config;

    /** A transport whose calls act for {@code user}, to the server the subclass started. */
    abstract SyncTransport connect(String user);

    @BeforeEach
    void installSchema() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        config = SyncTestSupport.config();
        SyncSchema.install(pg.dataSource(), config);
    }

    static String note(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }

    /** Pulls page after page of {@code limit} until nothing more waits; leaves the last cursor in {@code cursor[0]}. */
    static List<PullResponse> pullAll(SyncTransport transport, String node, String[] cursor, int limit) {
        List<PullResponse> pages = new ArrayList<>();
        PullResponse page;
        do {
            page = transport.pull(node, cursor[0], limit);
            pages.add(page);
            cursor[0] = page.nextCursor();
        } while (page.hasMore());
        return pages;
    }

    static List<PulledChange> changes(List<PullResponse> pages) {
        return pages.stream().flatMap(p -> p.changes().stream()).toList();
    }

    static TransportException failure(ThrowingCallable call) {
        TransportException e = catchThrowableOfType(TransportException.class, call);
        assertThat(e).as("the call fails with a TransportException").isNotNull();
        return e;
    }

    @Test
    void handshakeSaysWhetherTheServerAcceptsTheClientsSchema() {
        SyncTransport alice = connect("alice");

        HandshakeResponse current = alice.handshake(new Handshake("phone", "20260210143000", Set.of("lww-column")));
        HandshakeResponse old = alice.handshake(new Handshake("old-phone", "20250101000000", Set.of()));

        assertThat(current.compatible()).isTrue();
        assertThat(current.serverSchemaVersion()).isEqualTo(SERVER_VERSION);
        assertThat(current.tables()).containsOnlyKeys("holidays", "notes");
        assertThat(old.compatible()).isFalse();
        assertThat(old.message()).contains("upgrade required").contains(MINIMUM_CLIENT);
    }

    @Test
    void aFreshNodeBootstrapsThenPullsOnlyWhatChangedSince() throws Exception {
        execute(pg.dataSource(), "INSERT INTO holidays (id, name) VALUES ('tet', 'Tết'), ('new-year', 'New Year');"
                + "INSERT INTO notes (id, user_id, title) VALUES ('" + note(1) + "', 'alice', 'first'),"
                + " ('" + note(2) + "', 'bob', 'not for alice')");
        SyncTransport alice = connect("alice");
        String[] cursor = {null};

        List<PullResponse> bootstrap = pullAll(alice, "laptop", cursor, 2);
        execute(pg.dataSource(), "UPDATE notes SET body = 'edited on the server' WHERE id = '" + note(1) + "'");
        List<PullResponse> incremental = pullAll(alice, "laptop", cursor, 2);

        assertThat(bootstrap.get(0).bootstrap()).isTrue();
        assertThat(changes(bootstrap)).extracting(PulledChange::id)
                .containsExactlyInAnyOrder("tet", "new-year", note(1));
        assertThat(changes(bootstrap)).filteredOn(c -> c.id().equals("tet"))
                .singleElement().satisfies(c -> assertThat(c.values().get("name").asText()).isEqualTo("Tết"));
        assertThat(incremental).allSatisfy(page -> assertThat(page.bootstrap()).isFalse());
        assertThat(changes(incremental)).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(note(1));
            assertThat(c.values()).containsOnlyKeys("body");
            assertThat(c.values().get("body").asText()).isEqualTo("edited on the server");
        });
        assertThat(alice.pull("laptop", cursor[0], 10).changes()).isEmpty();
    }

    @Test
    void pushReportsAResultPerChangeAndARepeatedPushIsADuplicate() throws Exception {
        SyncTransport alice = connect("alice");
        // over 1 KiB of JSON, so that HTTP sends it compressed
        PushRequest batch = new PushRequest("phone", List.of(
                upsert("phone", 1, T, "notes", note(1), "title", "short", "body", null),
                upsert("phone", 2, T + 1, "notes", note(2), "title", "long ".repeat(400))));

        PushResponse first = alice.push(batch);
        PushResponse again = alice.push(batch);

        assertThat(first.results()).extracting(ChangeResult::clientSeq, ChangeResult::status)
                .containsExactly(tuple(1L, ChangeStatus.APPLIED),
                        tuple(2L, ChangeStatus.APPLIED));
        assertThat(again.results()).extracting(ChangeResult::status)
                .containsExactly(ChangeStatus.DUPLICATE, ChangeStatus.DUPLICATE);
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT count(*) FROM notes WHERE user_id = 'alice'"))
                .isEqualTo("2");
        List<PulledChange> onTheLaptop = changes(pullAll(alice, "laptop", new String[]{null}, 10));
        assertThat(onTheLaptop).filteredOn(c -> c.id().equals(note(1))).singleElement().satisfies(c ->
                assertThat(c.values().get("body")).isEqualTo(NullNode.instance));
        assertThat(onTheLaptop).filteredOn(c -> c.id().equals(note(2))).singleElement().satisfies(c ->
                assertThat(c.values().get("title").asText()).hasSize(2000));
    }

    @Test
    void aCursorOlderThanTheKeptHistoryIsRefusedAndTheNodeMustBootstrapAgain() throws Exception {
        SyncTransport alice = connect("alice");
        String[] cursor = {null};
        pullAll(alice, "laptop", cursor, 10);
        execute(pg.dataSource(), "UPDATE mooring.retention SET pruned_below ="
                + " (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + 10)::text::xid8");

        TransportException expired = failure(() -> alice.pull("laptop", cursor[0], 10));

        assertThat(expired.code()).isEqualTo(ErrorCode.CURSOR_EXPIRED);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.retryable()).isFalse();
        assertThat(expired.getMessage()).contains("GET /v1/changes").contains("without a cursor");
        assertThat(alice.pull("laptop", null, 10).bootstrap()).isTrue();
    }

    @Test
    void aCursorOrLimitTheServerCannotUseIsRefusedAsUsage() {
        SyncTransport alice = connect("alice");

        TransportException forged = failure(() -> alice.pull("laptop", "c1.banana", 10));
        TransportException tooMany = failure(() -> alice.pull("laptop", null, 10_001));

        assertThat(List.of(forged, tooMany)).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.retryable()).isFalse();
        });
        assertThat(forged.getMessage()).contains("is not one this server issued");
        assertThat(tooMany.getMessage()).contains("limit must be between 1 and 10000");
    }

    @Test
    void aNodeOfAnotherUserIsRefusedAsAuthentication() {
        connect("alice").handshake(new Handshake("alices-phone", "20260210143000", Set.of()));
        SyncTransport bob = connect("bob");

        TransportException pull = failure(() -> bob.pull("alices-phone", null, 10));
        TransportException push = failure(() -> bob.push(new PushRequest("alices-phone",
                List.of(upsert("alices-phone", 1, T, "notes", note(3), "title", "bob was here")))));

        assertThat(List.of(pull, push)).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION);
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).contains("registered to another user");
        });
    }
}
