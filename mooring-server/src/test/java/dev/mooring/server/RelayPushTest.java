package dev.mooring.server;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.scalar;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.testing.PostgresDatabaseExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pushes that carry relays: changes another node made, which the pushing node learned from a peer. They are judged
 * as their origin's changes (its sequence, its basis, its name in the change log), never lost to the order in which
 * copies arrive, and only between nodes of the same user.
 */
class RelayPushTest {
    static final String ID = "00000000-0000-0000-0000-000000000001";
    static final String OTHER = "00000000-0000-0000-0000-000000000002";
    static final long T = 1_763_700_000_000L;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    final AtomicLong wall = new AtomicLong(T);
    SyncService sync;

    @BeforeEach
    void install() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        use(SyncTestSupport.config());
    }

    void use(SyncConfig config) {
        SyncSchema.install(pg.dataSource(), config);
        sync = SyncService.create(pg.dataSource(), config, HybridClock.create("server", wall::get, Duration.ofMinutes(5)));
    }

    PushResponse push(String user, String node, RowChange... changes) {
        return sync.push(user, new PushRequest(node, List.of(changes)));
    }

    static List<ChangeStatus> statuses(PushResponse response) {
        return response.results().stream().map(ChangeResult::status).toList();
    }

    String nodes(String column, String node) throws Exception {
        return scalar(pg.dataSource(), "SELECT " + column + " FROM mooring.nodes WHERE node_id = '" + node + "'");
    }

    @Test
    void aRelayIsAppliedAsItsOriginsChangeAndTheOriginsOwnPushIsThenADuplicate() throws Exception {
        push("u1", "phone", upsert("phone", 1, T, "notes", OTHER, "title", "registers the phone"));
        String[] phone = {null};
        String[] tablet = {null};
        String[] laptop = {null};
        pullAll(sync, "u1", "phone", phone);
        pullAll(sync, "u1", "tablet", tablet);
        pullAll(sync, "u1", "laptop", laptop);

        PushResponse relayed = push("u1", "tablet", upsert("phone", 2, T + 10, "notes", ID, "title", "from the phone"));
        PushResponse own = push("u1", "phone", upsert("phone", 2, T + 10, "notes", ID, "title", "from the phone"));

        assertThat(statuses(relayed)).containsExactly(ChangeStatus.APPLIED);
        assertThat(statuses(own)).containsExactly(ChangeStatus.DUPLICATE);
        assertThat(own.results().get(0).current()).containsKey("title");
        assertThat(scalar(pg.dataSource(), "SELECT count(*) || ':' || min(origin_node) || ':' || min(user_id)"
                + " FROM mooring.change_log WHERE record_id = '" + ID + "'")).isEqualTo("1:phone:u1");
        assertThat(nodes("last_seq", "phone")).isEqualTo("2");
        assertThat(nodes("last_seq", "tablet")).isEqualTo("0");
        // the change log names the origin and the relaying node: neither is sent the change back, others are
        assertThat(scalar(pg.dataSource(), "SELECT relayed_by FROM mooring.change_log WHERE record_id = '" + ID + "'"))
                .isEqualTo("tablet");
        assertThat(pullAll(sync, "u1", "phone", phone)).extracting(PulledChange::id).doesNotContain(ID);
        assertThat(pullAll(sync, "u1", "tablet", tablet)).extracting(PulledChange::id).doesNotContain(ID);
        assertThat(pullAll(sync, "u1", "laptop", laptop)).extracting(PulledChange::id).contains(ID);
    }

    @Test
    void aRelayFromANodeTheServerHasNotMetRegistersItForThePushersUser() throws Exception {
        PushResponse relayed = push("u1", "tablet", upsert("laptop", 1, T, "notes", ID, "title", "from the laptop"));

        assertThat(statuses(relayed)).containsExactly(ChangeStatus.APPLIED);
        assertThat(nodes("user_id || ':' || last_seq", "laptop")).isEqualTo("u1:1");
        assertThatThrownBy(() -> push("u2", "laptop", upsert("laptop", 2, T, "notes", OTHER, "title", "x")))
                .isInstanceOf(MooringException.class)
                .satisfies(e -> assertThat(((MooringException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION));
    }

    @Test
    void aRelayThatComesBeforeEarlierChangesOfItsOriginIsDeferredAndAppliedOnceTheyArrive() throws Exception {
        push("u1", "phone", upsert("phone", 1, T, "notes", OTHER, "title", "first"));

        PushResponse early = push("u1", "tablet", upsert("phone", 3, T + 30, "notes", ID, "title", "third"),
                upsert("phone", 4, T + 40, "notes", ID, "body", "fourth"));

        assertThat(statuses(early)).containsExactly(ChangeStatus.DEFERRED, ChangeStatus.DEFERRED);
        assertThat(early.results().get(0).reason()).contains("change 2 of node phone");
        assertThat(scalar(pg.dataSource(), "SELECT count(*) FROM notes WHERE id = '" + ID + "'")).isEqualTo("0");
        assertThat(nodes("last_seq", "phone")).isEqualTo("1");

        PushResponse gapFilled = push("u1", "phone", upsert("phone", 2, T + 20, "notes", OTHER, "body", "second"));
        PushResponse again = push("u1", "tablet", upsert("phone", 3, T + 30, "notes", ID, "title", "third"),
                upsert("phone", 4, T + 40, "notes", ID, "body", "fourth"));

        assertThat(statuses(gapFilled)).containsExactly(ChangeStatus.APPLIED);
        assertThat(statuses(again)).containsExactly(ChangeStatus.APPLIED, ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes WHERE id = '" + ID + "'"))
                .isEqualTo("third|fourth");
        assertThat(nodes("last_seq", "phone")).isEqualTo("4");
    }

    @Test
    void relaysOfOneOriginFillTheirGapInsideOneBatch() throws Exception {
        PushResponse response = push("u1", "tablet", upsert("phone", 2, T + 20, "notes", ID, "body", "second"),
                upsert("phone", 1, T + 10, "notes", ID, "title", "first"), upsert("phone", 2, T + 20, "notes", ID,
                        "body", "second"), upsert("phone", 2, T + 20, "notes", ID, "body", "second"));

        assertThat(statuses(response)).containsExactly(ChangeStatus.DEFERRED, ChangeStatus.APPLIED,
                ChangeStatus.APPLIED, ChangeStatus.DUPLICATE);
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes")).isEqualTo("first|second");
        assertThat(nodes("last_seq", "phone")).isEqualTo("2");
    }

    @Test
    void aRelayOfAnotherUsersNodeIsRefusedAndTheRestOfTheBatchApplies() throws Exception {
        push("u2", "bobs-phone", upsert("bobs-phone", 1, T, "notes", OTHER, "title", "bob's"));

        PushResponse response = push("u1", "tablet", upsert("bobs-phone", 2, T + 10, "notes", ID, "title", "stolen"),
                upsert("tablet", 1, T + 20, "notes", ID, "body", "mine"));

        assertThat(statuses(response)).containsExactly(ChangeStatus.REJECTED, ChangeStatus.APPLIED);
        assertThat(response.results().get(0).reason()).contains("belongs to another user")
                .contains("only between devices of the same user");
        assertThat(scalar(pg.dataSource(), "SELECT coalesce(title, 'none') || '|' || body FROM notes WHERE id = '"
                + ID + "'")).isEqualTo("none|mine");
        assertThat(nodes("user_id || ':' || last_seq", "bobs-phone")).isEqualTo("u2:1");
    }

    @Test
    void whatARelayHadSeenIsWhatItsOriginHadPulledNotWhatTheRelayingNodeHad() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.SERVER_WINS)));
        push("u1", "laptop", upsert("laptop", 1, T, "notes", ID, "title", "laptop's"));
        String[] phone = {null};
        pullAll(sync, "u1", "phone", phone); // the phone sees the laptop's title; the tablet never pulls

        PushResponse relayed = push("u1", "tablet", upsert("phone", 1, T + 10, "notes", ID, "title", "phone saw it"));
        PushResponse blind = push("u1", "tablet", upsert("tablet", 1, T + 20, "notes", ID, "title", "tablet blind"));

        assertThat(statuses(relayed)).containsExactly(ChangeStatus.APPLIED);
        assertThat(statuses(blind)).containsExactly(ChangeStatus.SUPERSEDED);
        assertThat(scalar(pg.dataSource(), "SELECT title FROM notes")).isEqualTo("phone saw it");
    }

    @Test
    void aBatchIsAppliedInTheOrderSentNotOriginByOrigin() throws Exception {
        // the phone edits a row the laptop inserted, after taking in the laptop's insert: the tablet relays both,
        // in time order, after an earlier change of the phone
        PushResponse response = push("u1", "tablet", upsert("phone", 1, T, "notes", OTHER, "title", "other"),
                upsert("laptop", 1, T + 10, "notes", ID, "title", "the laptop's"),
                upsert("phone", 2, T + 20, "notes", ID, "body", "the phone's"));

        assertThat(statuses(response)).containsOnly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT title || ', ' || body FROM notes WHERE id = '" + ID + "'"))
                .isEqualTo("the laptop's, the phone's");
    }
}
