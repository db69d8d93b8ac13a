package dev.mooring.sync.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.client.OutboxEntry;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the client does with the server's refusal of a pushed change, with and without the server's row. */
class RejectedAnswerTest {
    private static final String VIEW_ONLY = "events e1 is shared with you to view, not to edit";

    @RegisterExtension
    final ClientDatabase db = new ClientDatabase();

    @BeforeEach
    void synced() throws SQLException {
        db.pull(db.upsert("groups", "g1", "name", "Family"),
                db.upsert("events", "e1", "title", "Dentist", "group_id", "g1"));
        db.exec("UPDATE events SET title = 'Dentist at 9' WHERE id = 'e1'");
    }

    @Test
    void aRejectionThatCarriesTheServersRowPutsItBackAndKeepsTheRejectedChange() throws SQLException {
        Outbox.Ack ack = db.push(sent -> List.of(new ChangeResult(sent.get(0).clientSeq(), ChangeStatus.REJECTED,
                VIEW_ONLY, ClientDatabase.values("id", "e1", "title", "Dentist", "group_id", "g1", "deleted_at",
                        null))));

        assertThat(db.rows("SELECT title, group_id, deleted_at FROM events")).containsExactly("Dentist|g1|null");
        assertThat(ack.rejected()).isEqualTo(1);
        assertThat(ack.corrected()).isEqualTo(Map.of("events", Set.of("e1")));
        assertThat(Outbox.list(db.c, true)).singleElement().satisfies(e -> rejectedEdit(e));
    }

    @Test
    void aRejectionWithoutTheServersRowLeavesTheLocalEdit() throws SQLException {
        Outbox.Ack ack = db.push(sent -> List.of(new ChangeResult(sent.get(0).clientSeq(), ChangeStatus.REJECTED,
                VIEW_ONLY)));

        assertThat(db.rows("SELECT title FROM events")).containsExactly("Dentist at 9");
        assertThat(ack.rejected()).isEqualTo(1);
        assertThat(ack.corrected()).isEmpty();
        assertThat(Outbox.list(db.c, true)).singleElement().satisfies(e -> rejectedEdit(e));
    }

    private static void rejectedEdit(OutboxEntry e) {
        assertThat(e.id()).isEqualTo("e1");
        assertThat(e.state()).isEqualTo("rejected");
        assertThat(e.lastError()).isEqualTo(VIEW_ONLY);
        assertThat(e.payload()).contains("\"title\":\"Dentist at 9\""); // what was refused, still shown
    }
}
