package dev.mooring.server;

import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.RowChange;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Move-ins and move-outs when the transactions behind them commit out of order, or race a write of the row they open:
 * a pull never skips a move-in, and a device that got a row through a share also gets the edit that committed while
 * the share was being made.
 */
class SharingLateCommitTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    SyncService sync;
    final String event = UUID.randomUUID().toString();
    final String share = UUID.randomUUID().toString();

    @BeforeEach
    void setUp() throws Exception {
        execute(pg.dataSource(), SharingTest.SCHEMA);
        execute(pg.dataSource(), "INSERT INTO users VALUES ('" + SharingTest.ALICE + "', 'a@example.com', 'Alice'), ('"
                + SharingTest.BOB + "', 'b@example.com', 'Bob')");
        SyncConfig config = SyncConfigFile.parse(SharingTest.RULES, "rules");
        SyncSchema.install(pg.dataSource(), config);
        sync = SyncService.create(pg.dataSource(), config);
        execute(pg.dataSource(), "INSERT INTO events (id, user_id, title) VALUES ('" + event + "', '" + SharingTest.ALICE
                + "', 'Tet')");
    }

    static String title(Map<String, PulledChange> seen, String event) {
        PulledChange change = seen.get("events/" + event);
        return change == null || change.op() != Operation.UPSERT ? null : change.values().get("title").asText();
    }

    @Test
    void aShareCommittingAfterALaterEditIsDeliveredWithThatEdit() throws Exception {
        String[] cursor = {null};
        pullAll(sync, SharingTest.BOB, "bob-phone", cursor);
        try (Connection sharing = pg.dataSource().getConnection()) {
            sharing.setAutoCommit(false);
            try (Statement s = sharing.createStatement()) {
                // the share takes its transaction id first and stays open
                s.execute("INSERT INTO shares (id, user_id, shared_with_user_id, event_id, accepted_at) VALUES ('" + share
                        + "', '" + SharingTest.ALICE + "', '" + SharingTest.BOB + "', '" + event + "', now())");
            }
            // an edit of the event: it must wait for the share (which locked what it joins on) or be seen by it
            CompletableFuture<Void> edit = CompletableFuture.runAsync(() -> {
                try {
                    execute(pg.dataSource(), "UPDATE events SET title = 'Tet 2027' WHERE id = '" + event + "'");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            // Bob pulls while the share is open: nothing of the event yet, and the cursor must not pass the share
            assertThat(title(SharingTest.last(pullAll(sync, SharingTest.BOB, "bob-phone", cursor)), event)).isNull();
            sharing.commit();
            edit.get(10, TimeUnit.SECONDS);
        }
        Map<String, PulledChange> seen = SharingTest.last(pullAll(sync, SharingTest.BOB, "bob-phone", cursor));
        assertThat(title(seen, event)).isEqualTo("Tet 2027");
    }

    @Test
    void twoUnsharesCommittingTogetherStillMoveTheRowOut() throws Exception {
        String groupShare = UUID.randomUUID().toString();
        String group = UUID.randomUUID().toString();
        execute(pg.dataSource(), "INSERT INTO groups (id, user_id, name) VALUES ('" + group + "', '" + SharingTest.ALICE
                + "', 'Family');"
                + "INSERT INTO event_groups (id, user_id, event_id, group_id) VALUES (gen_random_uuid(), '"
                + SharingTest.ALICE + "', '" + event + "', '" + group + "');"
                + "INSERT INTO shares (id, user_id, shared_with_user_id, event_id, accepted_at) VALUES ('" + share
                + "', '" + SharingTest.ALICE + "', '" + SharingTest.BOB + "', '" + event + "', now());"
                + "INSERT INTO shares (id, user_id, shared_with_user_id, group_id, accepted_at) VALUES ('" + groupShare
                + "', '" + SharingTest.ALICE + "', '" + SharingTest.BOB + "', '" + group + "', now())");
        String[] cursor = {null};
        assertThat(title(SharingTest.last(pullAll(sync, SharingTest.BOB, "bob-phone", cursor)), event)).isEqualTo("Tet");
        // each unshare alone leaves the event visible through the other; together they take it away
        try (Connection one = pg.dataSource().getConnection(); Connection two = pg.dataSource().getConnection()) {
            one.setAutoCommit(false);
            two.setAutoCommit(false);
            try (Statement s = one.createStatement()) {
                s.execute("UPDATE shares SET deleted_at = now() WHERE id = '" + share + "'");
            }
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try (Statement s = two.createStatement()) {
                    s.execute("UPDATE shares SET deleted_at = now() WHERE id = '" + groupShare + "'");
                    two.commit();
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(300);
            one.commit();
            other.get(10, TimeUnit.SECONDS);
        }
        Map<String, PulledChange> seen = SharingTest.last(pullAll(sync, SharingTest.BOB, "bob-phone", cursor));
        assertThat(seen.get("events/" + event).op()).isEqualTo(Operation.REMOVE);
    }

    @Test
    void anEditOfAShareRowThatAnUnshareWithAnOlderTransactionIdFollowedIsNotSentAfterTheRemoval() throws Exception {
        execute(pg.dataSource(), "INSERT INTO shares (id, user_id, shared_with_user_id, event_id, accepted_at) VALUES ('"
                + share + "', '" + SharingTest.ALICE + "', '" + SharingTest.BOB + "', '" + event + "', now())");
        String[] cursor = {null};
        assertThat(title(SharingTest.last(pullAll(sync, SharingTest.BOB, "bob-phone", cursor)), event)).isEqualTo("Tet");
        try (Connection unsharing = pg.dataSource().getConnection()) {
            unsharing.setAutoCommit(false);
            try (Statement s = unsharing.createStatement()) {
                s.execute("SELECT pg_current_xact_id()"); // the unshare's transaction takes its id first
                // Alice edits the event (Bob sees it before and after: his entry names the change) and commits
                execute(pg.dataSource(), "UPDATE events SET title = 'Tet 2027', notes = 'secret' WHERE id = '" + event
                        + "'");
                // then the unshare: its removal comes first in the feed (older id), the edit's entry after it
                s.execute("UPDATE shares SET deleted_at = now() WHERE id = '" + share + "'");
            }
            unsharing.commit();
        }
        List<PulledChange> pulled = pullAll(sync, SharingTest.BOB, "bob-phone", cursor);
        assertThat(pulled).filteredOn(ch -> ch.id().equals(event)).isNotEmpty()
                .allSatisfy(ch -> assertThat(ch.op()).isEqualTo(Operation.REMOVE));
        // a device that missed nothing but this: the edit alone would have been a change for a row it no longer holds
        assertThat(pulled).noneMatch(ch -> ch.values().containsKey("notes"));
    }

    @Test
    void aDeviceMayRelayTheEditsAnotherDeviceOfItsUserMadeToASharedRow() {
        sync.push(SharingTest.ALICE, new PushRequest("alice-phone", List.of(upsert("alice-phone", 1, 1_000, "shares",
                share, "user_id", SharingTest.ALICE, "shared_with_user_id", SharingTest.BOB, "event_id", event,
                "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z"))));
        sync.handshake(SharingTest.BOB, new dev.mooring.sync.Handshake("bob-phone", "1", java.util.Set.of()), "1", null);
        RowChange phoneEdit = upsert("bob-phone", 1, System.currentTimeMillis(), "events", event, "notes", "tea");
        // Bob's laptop learned the phone's edit from the phone and relays it
        assertThat(sync.push(SharingTest.BOB, new PushRequest("bob-laptop", List.of(phoneEdit))).results().get(0).status())
                .isEqualTo(ChangeStatus.APPLIED);
        // a relay of a device of another user is refused, as always
        assertThat(sync.push(SharingTest.BOB, new PushRequest("bob-laptop", List.of(upsert("alice-phone", 2,
                System.currentTimeMillis(), "events", event, "notes", "x")))).results().get(0).status())
                .isEqualTo(ChangeStatus.REJECTED);
    }
}
