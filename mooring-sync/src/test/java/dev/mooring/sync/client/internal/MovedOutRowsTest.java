package dev.mooring.sync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.sync.client.OutboxEntry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client does with a pulled remove: a row that moved out of the user's view leaves the device. */
class MovedOutRowsTest {
    @RegisterExtension
    final ClientDatabase db = new ClientDatabase();

    @BeforeEach
    void synced() throws SQLException {
        db.pull(db.upsert("groups", "g1", "name", "Family"),
                db.upsert("events", "e1", "title", "Dentist", "group_id", "g1"),
                db.upsert("events", "e2", "title", "Picnic", "group_id", "g1"));
    }

    @Test
    void aSyncedRowThatMovedOutIsDeletedAndNothingIsQueuedForTheServer() throws SQLException {
        Map<String, Set<String>> removed = db.pull(db.remove("events", "e1"));

        assertThat(removed).isEqualTo(Map.of("events", Set.of("e1")));
        assertThat(db.rows("SELECT id FROM events")).containsExactly("e2"); // gone, not a tombstone
        assertThat(db.rows("SELECT * FROM sync_queue")).isEmpty();
        assertThat(Transactions.immediate(db.c, () -> Outbox.prepare(db.c, 10, db.tables))).isZero();
    }

    @Test
    void aLocalEditOfARowThatMovedOutIsKeptAsARejectedChangeWithTheReason() throws SQLException {
        db.exec("UPDATE events SET title = 'Dentist at 9' WHERE id = 'e1'");

        Map<String, Set<String>> removed = db.pull(db.remove("events", "e1"));

        assertThat(removed).isEqualTo(Map.of("events", Set.of("e1")));
        assertThat(db.rows("SELECT id FROM events")).containsExactly("e2");
        List<OutboxEntry> rejected = Outbox.list(db.c, true);
        assertThat(rejected).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo("rejected");
            assertThat(e.table()).isEqualTo("events");
            assertThat(e.id()).isEqualTo("e1");
            assertThat(e.lastError()).isEqualTo("row e1 of events is no longer shared with you (it moved out of what"
                    + " your user may see); your edit was not applied");
            assertThat(e.payload()).contains("\"title\":\"Dentist at 9\""); // what the user wrote, still shown
        });
        assertThat(Outbox.list(db.c, false)).isEqualTo(rejected);
        assertThat(SyncLog.status(db.c).rejectedChanges()).isEqualTo(1);
        assertThat(Transactions.immediate(db.c, () -> Outbox.prepare(db.c, 10, db.tables))).isZero(); // not pushed
    }

    @Test
    void aRetriedChangeOfARowThatMovedOutIsSentAgainForTheServerToJudge() throws SQLException {
        db.exec("UPDATE events SET title = 'Dentist at 9' WHERE id = 'e1'");
        db.pull(db.remove("events", "e1"));
        long seq = Outbox.list(db.c, true).get(0).seq();

        assertThat(Transactions.immediate(db.c, () -> Outbox.retry(db.c, seq))).isTrue();
        assertThat(Transactions.immediate(db.c, () -> Outbox.prepare(db.c, 10, db.tables))).isEqualTo(1);

        // not dropped for want of a row: it goes out with the values the user wrote, and the server answers it
        assertThat(Outbox.batch(db.c, ClientDatabase.NODE, 10, Set.of())).singleElement().satisfies(change -> {
            assertThat(change.id()).isEqualTo("e1");
            assertThat(change.values().get("title").asText()).isEqualTo("Dentist at 9");
        });
    }

    @Test
    void aRemoveOfARowThisDeviceDoesNotHaveChangesNothing() throws SQLException {
        List<String> before = db.rows("SELECT id, title, group_id, sync_status, last_modified FROM events ORDER BY id");

        // notes: every column may be null, so a row could be made of nothing but its id
        Map<String, Set<String>> removed = db.pull(db.remove("events", "e9"), db.remove("notes", "n9"));

        assertThat(removed).isEmpty();
        assertThat(db.rows("SELECT id, title, group_id, sync_status, last_modified FROM events ORDER BY id"))
                .isEqualTo(before);
        assertThat(db.rows("SELECT id FROM groups")).containsExactly("g1");
        assertThat(db.rows("SELECT id FROM notes")).isEmpty();
        assertThat(db.rows("SELECT * FROM sync_queue")).isEmpty();
    }

    @Test
    void aRemoveAForeignKeyRefusesIsTriedAgainOnceTheReferencingRowsAreRemovedInThePage() throws SQLException {
        // the group first: its events still reference it when its remove comes
        Map<String, Set<String>> removed = db.pull(db.remove("groups", "g1"), db.remove("events", "e1"),
                db.remove("events", "e2"));

        assertThat(removed).isEqualTo(Map.of("groups", Set.of("g1"), "events", Set.of("e1", "e2")));
        assertThat(db.rows("SELECT id FROM groups UNION ALL SELECT id FROM events")).isEmpty();
    }

    @Test
    void aRemoveRefusedInOnePageGoesOnceTheReferencingRowLeavesInALaterPage() throws SQLException {
        assertThat(db.pull(db.remove("groups", "g1"), db.remove("events", "e1"))).isEqualTo(Map.of("events",
                Set.of("e1")));
        assertThat(db.rows("SELECT id FROM groups")).containsExactly("g1"); // e2 still references it

        assertThat(db.pull(db.remove("events", "e2"))).isEqualTo(Map.of("groups", Set.of("g1"), "events",
                Set.of("e2")));
        assertThat(db.rows("SELECT id FROM groups UNION ALL SELECT id FROM events")).isEmpty();
    }

    @Test
    void aRowThatMovesBackInAfterARefusedRemoveStays() throws SQLException {
        db.pull(db.remove("groups", "g1"), db.remove("events", "e1"), db.upsert("groups", "g1", "name", "Family"));
        db.pull(db.remove("events", "e2"));

        assertThat(db.rows("SELECT id, name FROM groups")).containsExactly("g1|Family");
    }

    @Test
    void aCascadeTakesTheChildrenAlongAndTheirOwnRemovesFindNothingLeft() throws SQLException {
        db.pull(db.upsert("notes", "n1", "body", "bring the card", "event_id", "e2"));

        assertThat(db.pull(db.remove("events", "e2"), db.remove("notes", "n1")))
                .isEqualTo(Map.of("events", Set.of("e2")));
        assertThat(db.rows("SELECT id FROM notes")).isEmpty();
        assertThat(db.rows("SELECT * FROM sync_queue")).isEmpty();
    }
}
