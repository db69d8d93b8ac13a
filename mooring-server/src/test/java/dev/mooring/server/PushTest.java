package dev.mooring.server;

import dev.mooring.sync.DeletePolicy;
import dev.mooring.sync.ConflictPolicy;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static dev.mooring.server.SyncTestSupport.delete;
import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.scalar;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PushTest {
    static final String ID = "00000000-0000-0000-0000-000000000001";
    static final long T = 1_763_700_000_000L;

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    final AtomicLong wall = new AtomicLong(T);
    SyncService sync;

    @BeforeEach
    void install() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        use(SyncTestSupport.config());
    }

    void use(SyncConfig config) {
        SyncSchema.install(pg.dataSource(), config);
        sync = SyncService.create(pg.dataSource(), config, HybridClock.create("server", wall::get, Duration.ofMinutes(5)));
    }

    PushResponse push(String user, String node, dev.mooring.sync.RowChange... changes) {
        return sync.push(user, new PushRequest(node, List.of(changes)));
    }

    String title() throws Exception {
        return scalar(pg.dataSource(), "SELECT title FROM notes WHERE id = '" + ID + "'");
    }

    @Test
    void aResentBatchAppliesNothingTwice() throws Exception {
        PushRequest batch = new PushRequest("n1", List.of(upsert("n1", 1, T, "notes", ID, "title", "a"),
                upsert("n1", 2, T + 1, "notes", ID, "body", "b")));

        PushResponse first = sync.push("u1", batch);
        PushResponse again = sync.push("u1", batch);

        assertThat(first.results()).extracting(ChangeResult::status).containsOnly(ChangeStatus.APPLIED);
        assertThat(again.results()).extracting(ChangeResult::status).containsOnly(ChangeStatus.DUPLICATE);
        assertThat(scalar(pg.dataSource(), "SELECT count(*) FROM mooring.change_log")).isEqualTo("2");
        assertThat(scalar(pg.dataSource(), "SELECT user_id || ':' || title || ':' || body FROM notes")).isEqualTo("u1:a:b");
        assertThat(scalar(pg.dataSource(), "SELECT source || ':' || origin_node || ':' || hlc FROM mooring.change_log"
                + " ORDER BY seq LIMIT 1")).isEqualTo("sync:n1:" + new dev.mooring.sync.Hlc(T, 0, "n1"));
    }

    /**
     * Found by the shared-data simulation (seed 6960663310509596575): a change the server rejected, sent again because
     * the answer was lost, was answered {@code DUPLICATE}, which says the server has it; the client settled it and the
     * refusal was never shown. The server now remembers what it rejected.
     */
    @Test
    void aRejectedChangeSentAgainAfterItsAnswerWasLostIsRejectedAgain() {
        PushRequest batch = new PushRequest("n1", List.of(upsert("n1", 1, T, "notes", ID, "colour", "red")));

        PushResponse first = sync.push("u1", batch);
        PushResponse again = sync.push("u1", batch);

        assertThat(first.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.REJECTED);
        assertThat(again.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.REJECTED);
        assertThat(again.results().get(0).reason()).isEqualTo(first.results().get(0).reason());
    }

    @Test
    void concurrentEditsToDifferentColumnsBothSurvive() throws Exception {
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first", "body", "first"));
        String[] n2 = {null};
        pullAll(sync, "u1", "n2", n2);

        push("u1", "n1", upsert("n1", 2, T + 200, "notes", ID, "title", "title by n1"));
        PushResponse r = push("u1", "n2", upsert("n2", 1, T + 100, "notes", ID, "body", "body by n2", "title", "older title"));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes")).isEqualTo("title by n1|body by n2");
        assertThat(scalar(pg.dataSource(), "SELECT rule || ':' || result FROM mooring.conflicts")).isEqualTo("lww-column:merged");
    }

    @Test
    void aRowCreatedFromSomeColumnsLeavesTheOthersToTheRealInsertMadeEarlier() throws Exception {
        // n2 edited the row before its insert reached the server (it learned the row from a peer): its edit creates
        // the row, but only the body is its write; the title and the tombstone are defaults nobody wrote
        PushResponse edit = push("u1", "n2", upsert("n2", 1, T + 200, "notes", ID, "body", "body by n2"));
        PushResponse insert = push("u1", "n1", upsert("n1", 1, T + 100, "notes", ID, "title", "title by n1",
                "body", "first body", "deleted_at", null));

        assertThat(edit.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(insert.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(insert.results().get(0).current()).as("applied in part: the answer carries the row")
                .containsEntry("body", com.fasterxml.jackson.databind.node.TextNode.valueOf("body by n2"));
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes")).isEqualTo("title by n1|body by n2");

        // a row inserted with every column keeps one time for all of them, not a time per column
        String other = "00000000-0000-0000-0000-000000000002";
        push("u1", "n1", upsert("n1", 2, T + 300, "notes", other, "user_id", "u1", "title", "t", "body", "b",
                "deleted_at", null));
        assertThat(scalar(pg.dataSource(), "SELECT column_hlcs::text || ':' || (base_hlc IS NOT NULL)"
                + " FROM mooring.column_versions WHERE record_id = '" + other + "'")).isEqualTo("{}:true");
    }

    @Test
    void aFillCompletesARowTheChangeCreatesWithoutATimeAndIsIgnoredForARowThatExists() throws Exception {
        String other = "00000000-0000-0000-0000-000000000002";
        push("u1", "n1", upsert("n1", 1, T, "notes", other, "title", "exists"));

        PushResponse r = push("u1", "n2", upsert("n2", 1, T + 200, "notes", ID, "body", "body by n2")
                        .withFill(SyncTestSupport.values("title", "title from the fill")),
                upsert("n2", 2, T + 200, "notes", other, "body", "b").withFill(SyncTestSupport.values("title", "ignored")),
                upsert("n2", 3, T + 200, "notes", ID, "body", "x").withFill(SyncTestSupport.values("colour", "red")),
                upsert("n2", 4, T + 200, "notes", ID, "body", "x").withFill(SyncTestSupport.values("user_id", "u2")));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED,
                ChangeStatus.APPLIED, ChangeStatus.REJECTED, ChangeStatus.REJECTED);
        assertThat(r.results().get(2).reason()).isEqualTo("in its fill: table notes has no column colour");
        assertThat(r.results().get(3).reason()).contains("must be your own user id");
        assertThat(title()).isEqualTo("title from the fill");
        assertThat(scalar(pg.dataSource(), "SELECT title FROM notes WHERE id = '" + other + "'")).isEqualTo("exists");

        // the fill's title has no time: the real insert, made earlier than the edit, still wins it
        push("u1", "n1", upsert("n1", 2, T + 100, "notes", ID, "title", "the real title", "body", "older body"));
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes WHERE id = '" + ID + "'"))
                .isEqualTo("the real title|body by n2");
    }

    @Test
    void rowLevelLastWriterWinsDropsTheWholeOlderChange() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.LWW_ROW)));
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));
        push("u1", "n1", upsert("n1", 2, T + 200, "notes", ID, "title", "newer"));

        PushResponse r = push("u1", "n2", upsert("n2", 1, T + 100, "notes", ID, "body", "older body"));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.SUPERSEDED);
        assertThat(scalar(pg.dataSource(), "SELECT coalesce(body, 'none') FROM notes")).isEqualTo("none");
    }

    @Test
    void serverWinsDropsAChangeMadeWithoutSeeingTheServersLatest() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.SERVER_WINS)));
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));
        String[] seen = {null};
        pullAll(sync, "u1", "n2", seen);
        PushResponse afterSeeing = push("u1", "n2", upsert("n2", 1, T + 50, "notes", ID, "title", "n2 saw it"));
        String[] n1 = {null};
        pullAll(sync, "u1", "n1", n1);
        PushResponse n1Again = push("u1", "n1", upsert("n1", 2, T + 100, "notes", ID, "title", "n1 again"));

        PushResponse blind = push("u1", "n2", upsert("n2", 2, T + 500, "notes", ID, "title", "n2 blind"));

        assertThat(afterSeeing.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(n1Again.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(blind.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.SUPERSEDED);
        assertThat(title()).isEqualTo("n1 again");
    }

    @Test
    void clientWinsAppliesEvenOverAnUnseenChange() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.CLIENT_WINS)));
        push("u1", "n1", upsert("n1", 1, T + 1000, "notes", ID, "title", "n1"));

        PushResponse r = push("u1", "n2", upsert("n2", 1, T, "notes", ID, "title", "n2 older clock"));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(title()).isEqualTo("n2 older clock");
        assertThat(scalar(pg.dataSource(), "SELECT rule || ':' || result FROM mooring.conflicts")).isEqualTo("client-wins:client");
    }

    @Test
    void manualQueuesNearSimultaneousDifferentEditsAndKeepsTheServerVersion() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL)));
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "n1"));

        PushResponse near = push("u1", "n2", upsert("n2", 1, T + 400, "notes", ID, "title", "n2"));
        PushResponse far = push("u1", "n3", upsert("n3", 1, T + 5000, "notes", ID, "title", "n3 much later"));

        assertThat(near.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.CONFLICT_QUEUED);
        assertThat(scalar(pg.dataSource(), "SELECT status || ':' || (client_version->>'title') FROM mooring.conflicts"))
                .isEqualTo("pending:n2");
        assertThat(far.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(title()).isEqualTo("n3 much later");
    }

    @Test
    void manualMergesNearSimultaneousEditsOfDifferentColumnsAndQueuesEditsOfTheSameColumn() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withConflictPolicy(ConflictPolicy.MANUAL)));
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first", "body", "first"));
        String[] n2 = {null};
        pullAll(sync, "u1", "n2", n2);
        push("u1", "n1", upsert("n1", 2, T + 100, "notes", ID, "body", "body by n1"));

        PushResponse otherColumn = push("u1", "n2", upsert("n2", 1, T + 200, "notes", ID, "title", "title by n2"));
        PushResponse sameColumn = push("u1", "n2", upsert("n2", 2, T + 300, "notes", ID, "body", "body by n2"));

        assertThat(otherColumn.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(sameColumn.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.CONFLICT_QUEUED);
        assertThat(scalar(pg.dataSource(), "SELECT title || '|' || body FROM notes")).isEqualTo("title by n2|body by n1");
    }

    @Test
    void updateWinsBringsBackARowTheServerDeletedAndKeepsARowTheServerChanged() throws Exception {
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));
        execute(pg.dataSource(), "UPDATE notes SET deleted_at = now()");

        PushResponse edit = push("u1", "n2", upsert("n2", 1, T + 10, "notes", ID, "body", "edited offline"));

        assertThat(edit.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT (deleted_at IS NULL) || ':' || body FROM notes")).isEqualTo("true:edited offline");

        push("u1", "n1", upsert("n1", 2, T + 20, "notes", ID, "title", "changed on n1"));
        PushResponse del = push("u1", "n3", delete("n3", 1, T + 30, "notes", ID));

        assertThat(del.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.SUPERSEDED);
        assertThat(scalar(pg.dataSource(), "SELECT deleted_at IS NULL FROM notes")).isEqualTo("t");
    }

    @Test
    void deleteWinsAndNewestWins() throws Exception {
        use(SyncConfig.of(SyncedTable.owned("notes").withDeletePolicy(DeletePolicy.DELETE_WINS)));
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));
        push("u1", "n1", delete("n1", 2, T + 10, "notes", ID));
        PushResponse edit = push("u1", "n2", upsert("n2", 1, T + 20, "notes", ID, "title", "too late"));
        assertThat(edit.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.SUPERSEDED);

        use(SyncConfig.of(SyncedTable.owned("notes").withDeletePolicy(DeletePolicy.NEWEST_WINS)));
        PushResponse older = push("u1", "n3", upsert("n3", 1, T + 5, "notes", ID, "title", "older than the delete"));
        PushResponse newer = push("u1", "n3", upsert("n3", 2, T + 30, "notes", ID, "title", "newer than the delete"));
        assertThat(older.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.SUPERSEDED);
        assertThat(newer.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT (deleted_at IS NULL) || ':' || title FROM notes"))
                .isEqualTo("true:newer than the delete");
    }

    @Test
    void bothDeletedStaysDeleted() throws Exception {
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));
        push("u1", "n1", delete("n1", 2, T + 10, "notes", ID));
        PushResponse r = push("u1", "n2", delete("n2", 1, T + 5, "notes", ID));
        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT deleted_at IS NOT NULL FROM notes")).isEqualTo("t");
    }

    @Test
    void forbiddenChangesAreRejectedWithAReasonAndNothingElseMoves() throws Exception {
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "mine"));
        long before = Long.parseLong(scalar(pg.dataSource(), "SELECT count(*) FROM mooring.change_log"));

        PushResponse r = push("u2", "n9",
                upsert("n9", 1, T + 10, "notes", ID, "title", "stolen"),
                upsert("n9", 2, T + 10, "notes", "00000000-0000-0000-0000-000000000002", "user_id", "u1"),
                upsert("n9", 3, T + 10, "holidays", "tet", "name", "x"),
                upsert("n9", 4, T + 10, "secrets", "x", "a", "b"),
                upsert("n9", 5, T + 10, "notes", "00000000-0000-0000-0000-000000000003", "title\"; DROP TABLE notes; --", "x"),
                upsert("n9", 6, T + 10, "notes", "not-a-uuid", "title", "x"));

        assertThat(r.results()).extracting(ChangeResult::status).containsOnly(ChangeStatus.REJECTED);
        assertThat(r.results()).extracting(ChangeResult::reason).containsExactly(
                "row " + ID + " of notes belongs to another user",
                "column user_id must be your own user id; rows cannot be given to another user",
                "table holidays is public-read: clients cannot change it",
                "table secrets is not synced",
                "table notes has no column title\"; DROP TABLE notes; --",
                "id 'not-a-uuid' is not a uuid, which the id column of notes is");
        assertThat(title()).isEqualTo("mine");
        assertThat(Long.parseLong(scalar(pg.dataSource(), "SELECT count(*) FROM mooring.change_log"))).isEqualTo(before);
        assertThatThrownBy(() -> push("u2", "n1", upsert("n1", 9, T, "notes", ID, "title", "x")))
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.AUTHENTICATION);
    }

    @Test
    void anUpperCaseUuidNamesTheSameRowAndValuesTheDatabaseRefusesAreRejectedAlone() throws Exception {
        push("u1", "n1", upsert("n1", 1, T, "notes", ID, "title", "first"));

        PushResponse r = push("u1", "n1",
                upsert("n1", 2, T + 10, "notes", ID.toUpperCase(java.util.Locale.ROOT), "title", "via upper case"),
                upsert("n1", 3, T + 10, "notes", "00000000-0000-0000-0000-000000000002", "title", "x", "deleted_at", "not a time"),
                upsert("n1", 4, T + 10, "notes", "00000000-0000-0000-0000-000000000003", "title", "fine"),
                upsert("n1", 5, T + 10, "notes", "00000000-0000-0000-0000-000000000004"));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED,
                ChangeStatus.REJECTED, ChangeStatus.APPLIED, ChangeStatus.APPLIED);
        assertThat(r.results().get(1).reason()).startsWith("the database refused it: ERROR: invalid input syntax");
        assertThat(title()).isEqualTo("via upper case");
        assertThat(scalar(pg.dataSource(), "SELECT count(*) FROM notes")).isEqualTo("3");
        assertThatThrownBy(() -> sync.push("u1", new PushRequest("server", List.of())))
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.USAGE);
    }

    @Test
    void aTableOwnedThroughItsIdLetsUsersCreateOnlyTheirOwnRow() throws Exception {
        execute(pg.dataSource(), "CREATE TABLE accounts (id text PRIMARY KEY, email text, deleted_at timestamptz)");
        use(SyncConfig.of(SyncedTable.owned("accounts").withOwnerColumn("id")));

        PushResponse own = push("u1", "n1", upsert("n1", 1, T, "accounts", "u1", "email", "u1@example.com"));
        PushResponse other = push("u1", "n1", upsert("n1", 2, T, "accounts", "u2", "email", "not mine"));

        assertThat(own.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(other.results()).extracting(ChangeResult::reason).singleElement().asString()
                .contains("owned through column id");
        assertThat(scalar(pg.dataSource(), "SELECT string_agg(id, ',') FROM accounts")).isEqualTo("u1");
    }

    @Test
    void aClockTooFarAheadIsClampedAndTheSkewRecorded() throws Exception {
        PushResponse r = push("u1", "n1", upsert("n1", 1, T + Duration.ofHours(2).toMillis(), "notes", ID, "title", "future"));

        assertThat(r.results()).extracting(ChangeResult::status).containsExactly(ChangeStatus.APPLIED);
        assertThat(scalar(pg.dataSource(), "SELECT hlc FROM mooring.change_log"))
                .startsWith(String.format("%015d", T + Duration.ofMinutes(5).toMillis()));
        assertThat(scalar(pg.dataSource(), "SELECT clamped_count || ':' || last_skew_ms FROM mooring.nodes"))
                .isEqualTo("1:" + Duration.ofHours(2).toMillis());
        assertThat(r.serverTime().physicalMs()).isGreaterThanOrEqualTo(T + Duration.ofMinutes(5).toMillis());
    }
}
