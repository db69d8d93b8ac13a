package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.PulledChange;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeFeedTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    SyncService sync;

    @BeforeEach
    void install() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        sync = SyncService.create(pg.dataSource(), SyncTestSupport.config());
    }

    @Test
    void installingAgainChangesNothingAndAMissingTombstoneColumnIsNamedWithItsFix() throws Exception {
        InstallReport again = SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        assertThat(again.noChange()).as(again.toString()).isTrue();
        assertThat(again.triggersUpToDate()).containsExactlyInAnyOrder("notes", "holidays");

        execute(pg.dataSource(), "CREATE TABLE tags (id bigint PRIMARY KEY, label text)");
        assertThatThrownBy(() -> SyncSchema.install(pg.dataSource(),
                SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.owned("tags"))))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("table tags: column id is bigint")
                .hasMessageContaining("ALTER TABLE \"tags\" ADD COLUMN deleted_at timestamptz")
                .hasMessageContaining("has no owner column user_id");
    }

    @Test
    void pullNeverSkipsChangesFromLateCommits() throws Exception {
        String[] cursor = {null};
        assertThat(pullAll(sync, "u1", "n1", cursor)).isEmpty();
        try (Connection early = pg.dataSource().getConnection(); Statement s = early.createStatement()) {
            early.setAutoCommit(false);
            s.execute("INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-00000000000a', 'u1', 'early')");
            // A later transaction commits first: a sequence cursor would move past the early one here.
            execute(pg.dataSource(), "INSERT INTO notes (id, user_id, title) VALUES ('00000000-0000-0000-0000-00000000000b', 'u1', 'late')");

            List<PulledChange> whileOpen = pullAll(sync, "u1", "n1", cursor);

            assertThat(whileOpen).as("nothing after the open transaction is delivered yet").isEmpty();
            early.commit();
        }
        List<PulledChange> after = pullAll(sync, "u1", "n1", cursor);

        assertThat(after).extracting(c -> c.values().get("title").asText()).containsExactly("early", "late");
        assertThat(pullAll(sync, "u1", "n1", cursor)).as("delivered once").isEmpty();
    }

    @Test
    void changesAreDeliveredInTransactionOrderAcrossDigitBoundaries() throws Exception {
        // Two finished transactions, ids 9 and 10: as text "10" sorts before "9", which would skip 9. The rows
        // exist, written without capture, so the log entries made up for them are what the feed sends.
        String a = "00000000-0000-0000-0000-00000000000a";
        String b = "00000000-0000-0000-0000-00000000000b";
        execute(pg.dataSource(), """
                BEGIN;
                SET LOCAL session_replication_role = replica;
                INSERT INTO notes (id, user_id) VALUES ('%1$s', 'u1'), ('%2$s', 'u1');
                COMMIT;
                INSERT INTO mooring.change_log (xid, table_name, record_id, operation, new_row, changed_columns, hlc,
                                                origin_node, audience, source)
                VALUES ('10', 'notes', '%2$s', 'insert', '{"id": "%2$s"}', '{}', '000000000000010-00000-server', 'server', 'u1', 'api'),
                       ('9', 'notes', '%1$s', 'insert', '{"id": "%1$s"}', '{}', '000000000000009-00000-server', 'server', 'u1', 'api');
                """.formatted(a, b));
        String[] cursor = {"c1.0.0"};

        List<PulledChange> changes = pullAll(sync, "u1", "n1", cursor);

        assertThat(changes).extracting(PulledChange::id).containsExactly(a, b);
    }

    @Test
    void aFreshClientGetsItsOwnAndPublicRowsThenFollowsTheFeed() throws Exception {
        execute(pg.dataSource(), """
                INSERT INTO notes (id, user_id, title) VALUES
                  ('00000000-0000-0000-0000-000000000001', 'u1', 'one'),
                  ('00000000-0000-0000-0000-000000000002', 'u1', 'two'),
                  ('00000000-0000-0000-0000-000000000003', 'u2', 'not yours'),
                  ('00000000-0000-0000-0000-000000000004', 'u1', 'three');
                INSERT INTO holidays (id, name) VALUES ('tet', 'Tết');
                UPDATE notes SET deleted_at = now() WHERE title = 'three';
                """);
        String[] cursor = {null};

        List<PulledChange> first = pullAll(sync, "u1", "n1", cursor);

        assertThat(first).extracting(c -> c.values().containsKey("title") ? c.values().get("title").asText()
                : c.values().get("name").asText()).containsSubsequence("one", "two").contains("Tết")
                .doesNotContain("not yours");
        execute(pg.dataSource(), "UPDATE notes SET body = 'edited' WHERE title = 'one'");
        List<PulledChange> next = pullAll(sync, "u1", "n1", cursor);
        assertThat(next).singleElement().satisfies(c -> {
            assertThat(c.values()).containsOnlyKeys("body");
            assertThat(c.values().get("body").asText()).isEqualTo("edited");
        });
    }

    @Test
    void writesByOtherApplicationsAreCapturedRowByRowEvenInOneStatement() throws Exception {
        String[] cursor = {null};
        pullAll(sync, "u1", "n1", cursor);
        execute(pg.dataSource(), """
                INSERT INTO notes (id, user_id, title, body) VALUES
                  ('00000000-0000-0000-0000-000000000001', 'u1', 'a', 'x'),
                  ('00000000-0000-0000-0000-000000000002', 'u1', 'b', 'x');
                UPDATE notes SET body = 'y' WHERE user_id = 'u1';
                UPDATE notes SET title = title WHERE user_id = 'u1';
                UPDATE notes SET id = '00000000-0000-0000-0000-000000000009' WHERE title = 'b';
                """);

        List<PulledChange> changes = pullAll(sync, "u1", "n1", cursor);

        // every row each statement wrote is in the log, the title that stayed as it was is not
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT string_agg(operation || ':' || right(record_id, 1)"
                + " || ':' || array_to_string(changed_columns, ','), ' ' ORDER BY seq) FROM mooring.change_log"))
                .isEqualTo("insert:1: insert:2: update:1:body update:2:body delete:2: insert:9:");
        // the feed sends what the rows still hold: row 2 is gone (its id became 9), so only its delete goes out,
        // and the insert of row 1 carries the row as it is now
        assertThat(changes).extracting(c -> c.op() + ":" + c.id().substring(35) + ":" + new java.util.TreeSet<>(c.values().keySet()))
                .containsExactly(
                        "UPSERT:1:[body, deleted_at, id, title, user_id]", "UPSERT:1:[body]",
                        "DELETE:2:[]", "UPSERT:9:[body, deleted_at, id, title, user_id]");
        assertThat(changes.get(0).values().get("body").asText()).isEqualTo("y");
        assertThat(changes).extracting(c -> c.originNode()).containsOnly("server");
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT string_agg(DISTINCT source, ',') FROM mooring.change_log"))
                .isEqualTo("api");
    }

    @Test
    void anUpdateOfManyRowsLogsExactlyTheColumnsEachRowChangedWithTheirTimes() throws Exception {
        installItems();
        execute(pg.dataSource(), """
                INSERT INTO items (id, user_id, title, body, n, doc) VALUES
                  ('a', 'u1', 'a', NULL, 1, '{"k": 1}'),
                  ('b', 'u1', 'b', 'x', 1.0, '[1, 2]'),
                  ('c', 'u1', 'c', 'x', 2, '{"k": 1}'),
                  ('d', 'u1', 'd', 'x', 2, NULL),
                  ('e', 'u1', 'e', 'x', 2, '{"k": 1}');
                """);
        long before = Long.parseLong(SyncTestSupport.scalar(pg.dataSource(), "SELECT max(seq) FROM mooring.change_log"));

        // one statement, a different change in each row: NULL to a value and back, a number of another scale (no
        // change), a jsonb number that becomes a string and an array reordered, and a row it leaves as it was
        execute(pg.dataSource(), """
                UPDATE items SET
                  body = CASE id WHEN 'a' THEN 'now' WHEN 'b' THEN NULL ELSE body END,
                  n = CASE id WHEN 'b' THEN 1.00 ELSE n END,
                  doc = CASE id WHEN 'c' THEN '{"k": "1"}' WHEN 'b' THEN '[2, 1]' WHEN 'd' THEN '{}' ELSE doc END
                """);

        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT string_agg(record_id || ':' || array_to_string("
                + "changed_columns, ','), ' ' ORDER BY record_id) FROM mooring.change_log WHERE seq > " + before))
                .isEqualTo("a:body b:body,doc c:doc d:doc");
        // each changed column has the time of its row's change, and the row names that change as its last
        assertThat(SyncTestSupport.scalar(pg.dataSource(), """
                SELECT string_agg(v.record_id || ':' || (SELECT string_agg(key, ',' ORDER BY key)
                                                           FROM jsonb_each_text(v.column_hlcs) WHERE value = l.hlc), ' '
                                  ORDER BY v.record_id)
                  FROM mooring.column_versions v JOIN mooring.change_log l ON l.seq = v.last_seq
                 WHERE v.table_name = 'items' AND l.operation = 'update' AND v.row_hlc = l.hlc
                """)).isEqualTo("a:body b:body,doc c:doc d:doc");
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT last_seq <= " + before + " FROM mooring.column_versions"
                + " WHERE table_name = 'items' AND record_id = 'e'")).isEqualTo("t");
    }

    @Test
    void aLargeUpdateAfterOneRowStatementsInTheSameSessionIsCapturedWholeWithItsIdChange() throws Exception {
        installItems();
        execute(pg.dataSource(), "INSERT INTO items (id, user_id, title) SELECT 'i' || g, 'u1', 't' FROM generate_series(1, 300) g");
        long before = Long.parseLong(SyncTestSupport.scalar(pg.dataSource(), "SELECT max(seq) FROM mooring.change_log"));
        try (Connection c = pg.dataSource().getConnection(); Statement s = c.createStatement()) {
            // enough one-row statements for the session to keep one plan for the capture, made for one row
            for (int i = 1; i <= 10; i++) {
                s.execute("UPDATE items SET title = 'one' WHERE id = 'i" + i + "'");
            }
            s.execute("UPDATE items SET title = 'none' WHERE id = 'missing'");
            s.execute("DELETE FROM items WHERE id = 'missing'");
            // then one statement over every row that also moves one of them to a new id
            s.execute("UPDATE items SET title = 'all', id = CASE id WHEN 'i300' THEN 'moved' ELSE id END");
        }

        // the ten one-row updates, then every row but the moved one; the statements that wrote nothing logged nothing
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT count(*) || ':' || count(DISTINCT record_id)"
                + " FROM mooring.change_log WHERE operation = 'update' AND seq > " + before)).isEqualTo("309:299");
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT string_agg(operation || ':' || record_id, ' ' ORDER BY seq)"
                + " FROM mooring.change_log WHERE seq > " + before + " AND operation <> 'update'"))
                .isEqualTo("delete:i300 insert:moved");
        assertThat(SyncTestSupport.scalar(pg.dataSource(), "SELECT string_agg(record_id || ':' || (base_hlc = row_hlc)"
                + " || ':' || column_hlcs::text, ' ') FROM mooring.column_versions WHERE record_id IN ('i300', 'moved')"))
                .isEqualTo("moved:true:{}");
    }

    /**
     * A synced table with numbers and jsonb, besides the shared schema's, and columns named as the capture names the
     * new and old rows (n, o): the capture must still log the rows.
     */
    private static void installItems() throws Exception {
        execute(pg.dataSource(), "CREATE TABLE items (id text PRIMARY KEY, user_id text NOT NULL, title text, body text,"
                + " n numeric, doc jsonb, o text, deleted_at timestamptz)");
        SyncSchema.install(pg.dataSource(), SyncConfig.of(SyncedTable.owned("notes"), SyncedTable.publicRead("holidays"),
                SyncedTable.owned("items")));
    }

    @Test
    void aCursorOlderThanTheKeptHistoryMustBootstrapAgain() throws Exception {
        String[] cursor = {null};
        pullAll(sync, "u1", "n1", cursor);
        execute(pg.dataSource(), "UPDATE mooring.retention SET pruned_below = (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + 10)::text::xid8");

        assertThatThrownBy(() -> sync.pull("u1", "n1", cursor[0], 10))
                .isInstanceOf(MooringException.class).hasMessageContaining("start over without a cursor")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.CURSOR_EXPIRED);
        assertThatThrownBy(() -> sync.pull("u1", "n1", "c1.banana", 10))
                .hasMessageContaining("is not one this server issued");
    }
}
