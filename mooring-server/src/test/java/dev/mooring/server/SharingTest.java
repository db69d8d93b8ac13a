package dev.mooring.server;

import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.sql.DataSource;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.pullAll;
import static dev.mooring.server.SyncTestSupport.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sharing rules through the service API: who sees which rows, who may change them, rows moving in and out. */
public class SharingTest {
    public static final String SCHEMA = """
            CREATE TABLE users (id uuid PRIMARY KEY, email text NOT NULL, display_name text NOT NULL DEFAULT '',
                                deleted_at timestamptz);
            CREATE TABLE events (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id), title text NOT NULL,
                                 notes text, deleted_at timestamptz);
            CREATE TABLE groups (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id), name text NOT NULL,
                                 deleted_at timestamptz);
            CREATE TABLE event_groups (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id),
                                       event_id uuid NOT NULL REFERENCES events (id),
                                       group_id uuid NOT NULL REFERENCES groups (id), deleted_at timestamptz);
            CREATE INDEX ON event_groups (group_id);
            CREATE INDEX ON event_groups (event_id);
            CREATE TABLE shares (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id),
                                 shared_with_user_id uuid NOT NULL REFERENCES users (id),
                                 event_id uuid REFERENCES events (id), group_id uuid REFERENCES groups (id),
                                 permission text NOT NULL DEFAULT 'view', accepted_at timestamptz,
                                 deleted_at timestamptz);
            CREATE INDEX ON shares (event_id);
            CREATE INDEX ON shares (group_id);
            CREATE INDEX ON shares (shared_with_user_id);
            """;
    public static final String RULES = """
            tables:
              - name: users
                owner: id
                read:
                  where: id IN (SELECT user_id FROM shares WHERE shared_with_user_id = :user)
                         OR id IN (SELECT shared_with_user_id FROM shares WHERE user_id = :user)
                  columns: [display_name]
              - name: events
                read: >-
                  id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
                  OR id IN (SELECT event_id FROM event_groups WHERE group_id IN
                     (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL))
                update: >-
                  id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL
                         AND permission = 'edit')
                  OR id IN (SELECT event_id FROM event_groups WHERE group_id IN
                     (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL
                      AND permission = 'edit'))
              - name: groups
                read: id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
                subscribe-by: [id]
              - name: event_groups
                read: group_id IN (SELECT group_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)
                subscribe-by: [group_id]
              - name: shares
                read: shared_with_user_id = :user
                update:
                  where: shared_with_user_id = :user
                  columns: [accepted_at]
                open-references: [shared_with_user_id]
                owned-references: [event_id, group_id]
            """;

    @RegisterExtension
    static final PostgresDatabaseExtension PG = PostgresDatabaseExtension.perMethod();

    public static final String ALICE = "a0000000-0000-0000-0000-00000000000a";
    public static final String BOB = "b0000000-0000-0000-0000-00000000000b";
    public static final String CAROL = "c0000000-0000-0000-0000-00000000000c";

    SyncService sync;
    long clock = 1_000;
    long aliceSeq;
    long bobSeq;

    @BeforeEach
    void setUp() throws Exception {
        DataSource ds = PG.dataSource();
        execute(ds, SCHEMA);
        execute(ds, "INSERT INTO users VALUES ('" + ALICE + "', 'alice@example.com', 'Alice'), ('" + BOB
                + "', 'bob@example.com', 'Bob'), ('" + CAROL + "', 'carol@example.com', 'Carol')");
        SyncConfig config = SyncConfigFile.parse(RULES, "test rules");
        SyncSchema.install(ds, config);
        sync = SyncService.create(ds, config);
    }

    PushResponse alice(RowChange... changes) {
        return sync.push(ALICE, new PushRequest("alice-phone", List.of(changes)));
    }

    PushResponse bob(RowChange... changes) {
        return sync.push(BOB, new PushRequest("bob-phone", List.of(changes)));
    }

    RowChange a(String table, String id, String... pairs) {
        return seen(upsert("alice-phone", ++aliceSeq, ++clock, table, id, pairs));
    }

    RowChange b(String table, String id, String... pairs) {
        return seen(upsert("bob-phone", ++bobSeq, ++clock, table, id, pairs));
    }

    /** The change as a device makes it: having seen everything its user may see so far (its basis). */
    RowChange seen(RowChange change) {
        String user = change.nodeId().startsWith("alice") ? ALICE : BOB;
        String[] cursor = {null};
        pullAll(sync, user, change.nodeId(), cursor);
        return new RowChange(change.table(), change.id(), change.op(), change.values(), change.hlc(), change.nodeId(),
                change.clientSeq(), cursor[0], Map.of());
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    /** What a device of {@code user} holds after applying every pull since {@code cursor}. */
    public static Map<String, PulledChange> last(List<PulledChange> changes) {
        return changes.stream().collect(Collectors.toMap(ch -> ch.table() + "/" + ch.id(), ch -> ch, (x, y) -> y,
                java.util.LinkedHashMap::new));
    }

    @Test
    void aRecipientSeesASharedEventOnlyOnceAcceptedAndLosesItWhenUnshared() {
        String event = id();
        String share = id();
        assertApplied(alice(a("events", event, "user_id", ALICE, "title", "Tet")));
        String[] bobCursor = {null};
        assertThat(pullAll(sync, BOB, "bob-phone", bobCursor)).noneMatch(ch -> ch.table().equals("events"));

        assertApplied(alice(a("shares", share, "user_id", ALICE, "shared_with_user_id", BOB, "event_id", event,
                "permission", "view")));
        Map<String, PulledChange> seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen).containsKey("shares/" + share).doesNotContainKey("events/" + event);
        // the owner's users row, only the declared column (and id): never the e-mail
        assertThat(seen.get("users/" + ALICE).values()).containsOnlyKeys("id", "display_name");

        assertApplied(bob(b("shares", share, "accepted_at", "2026-12-06T10:00:00Z")));
        seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen.get("events/" + event).op()).isEqualTo(Operation.UPSERT);
        assertThat(seen.get("events/" + event).values().get("title").asText()).isEqualTo("Tet");

        assertApplied(alice(a("events", event, "title", "Tet 2027")));
        seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen.get("events/" + event).values().get("title").asText()).isEqualTo("Tet 2027");

        assertApplied(alice(seen(SyncTestSupport.delete("alice-phone", ++aliceSeq, ++clock, "shares", share))));
        seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen.get("events/" + event).op()).isEqualTo(Operation.REMOVE);
        assertThat(seen.get("shares/" + share).op()).isEqualTo(Operation.REMOVE);

        // a fresh device of Bob's gets nothing of Alice's now
        assertThat(pullAll(sync, BOB, "bob-laptop", new String[]{null}))
                .noneMatch(ch -> ch.table().equals("events") || ch.table().equals("shares"));
    }

    @Test
    void anEditOfARowTheRecipientHoldsArrivesAsItsChangedColumnsWithItsTimeAsTheOwnersDevicesGetIt() throws Exception {
        String event = id();
        String share = id();
        aliceSharesTetWithBob(event, share, "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z");
        String[] phone = {null};
        String[] laptop = {null};
        assertThat(last(pullAll(sync, BOB, "bob-phone", phone)).get("events/" + event).values()).containsKey("notes");
        pullAll(sync, BOB, "bob-laptop", laptop);

        RowChange edit = a("events", event, "notes", "bring lanterns");
        assertApplied(alice(edit));
        PulledChange pulled = last(pullAll(sync, BOB, "bob-phone", phone)).get("events/" + event);
        assertThat(pulled.op()).isEqualTo(Operation.UPSERT);
        assertThat(pulled.values()).containsOnlyKeys("notes");
        assertThat(pulled.hlc()).isEqualTo(edit.hlc());
        assertThat(pulled.originNode()).isEqualTo("alice-phone");

        // of a row shared in declared columns, only a change of those reaches the recipient
        execute(PG.dataSource(), "UPDATE users SET email = 'alice@example.org' WHERE id = '" + ALICE + "'");
        assertThat(pullAll(sync, BOB, "bob-phone", phone)).noneMatch(ch -> ch.table().equals("users"));
        execute(PG.dataSource(), "UPDATE users SET email = 'a@example.net', display_name = 'Alice N.' WHERE id = '"
                + ALICE + "'");
        assertThat(last(pullAll(sync, BOB, "bob-phone", phone)).get("users/" + ALICE).values())
                .containsOnlyKeys("display_name");

        // an edit goes back to none of the devices that made it, and to the recipient's others as a change
        RowChange bobs = b("events", event, "title", "Tet at Bob's");
        assertApplied(bob(bobs));
        assertThat(pullAll(sync, BOB, "bob-phone", phone)).noneMatch(ch -> ch.table().equals("events"));
        PulledChange onLaptop = last(pullAll(sync, BOB, "bob-laptop", laptop)).get("events/" + event);
        assertThat(onLaptop.values()).containsOnlyKeys("title");
        assertThat(onLaptop.hlc()).isEqualTo(bobs.hlc());
    }

    @Test
    void aSharedChangeALaterWriteReplacedIsNotSentOverTheRecipientsOwnNewerValue() {
        String event = id();
        String share = id();
        aliceSharesTetWithBob(event, share, "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z");
        String[] phone = {null};
        pullAll(sync, BOB, "bob-phone", phone);
        // Alice's title goes in first, Bob's replaces it; his phone pulls both afterwards
        assertApplied(alice(upsert("alice-phone", ++aliceSeq, ++clock, "events", event, "title", "Alice's",
                "notes", "hers")));
        assertApplied(bob(upsert("bob-phone", ++bobSeq, ++clock, "events", event, "title", "Bob's")));
        PulledChange pulled = last(pullAll(sync, BOB, "bob-phone", phone)).get("events/" + event);
        assertThat(pulled.values()).containsOnlyKeys("notes");
        assertThat(pulled.values().get("notes").asText()).isEqualTo("hers");
    }

    @Test
    void aBootstrapInSmallPagesBringsExactlyTheLiveRowsOfEveryWayTheUserSeesThem() throws Exception {
        // Bob's own events, every other one deleted; events Alice shares with him one by one and through a group,
        // some deleted; pages of 2 rows make every way of seeing a row come back full, with tombstones in it
        java.util.Set<String> expected = new java.util.TreeSet<>();
        String group = id();
        String groupShare = id();
        assertApplied(alice(a("groups", group, "user_id", ALICE, "name", "Family"),
                a("shares", groupShare, "user_id", ALICE, "shared_with_user_id", BOB, "group_id", group,
                        "accepted_at", "2026-12-06T10:00:00Z")));
        List<String> deleted = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String own = id();
            assertApplied(bob(b("events", own, "user_id", BOB, "title", "mine " + i)));
            String one = id();
            String share = id();
            aliceSharesTetWithBob(one, share, "accepted_at", "2026-12-06T10:00:00Z");
            String inGroup = id();
            assertApplied(alice(a("events", inGroup, "user_id", ALICE, "title", "family " + i),
                    a("event_groups", id(), "user_id", ALICE, "event_id", inGroup, "group_id", group)));
            for (String event : List.of(own, one, inGroup)) {
                if (i % 2 == 0) {
                    deleted.add(event);
                } else {
                    expected.add(event);
                }
            }
        }
        execute(PG.dataSource(), "UPDATE events SET deleted_at = now() WHERE id IN ('" + String.join("', '", deleted)
                + "')");
        List<PulledChange> bootstrap = pullAll(sync, BOB, "bob-tablet", new String[]{null});
        List<String> events = bootstrap.stream().filter(ch -> ch.table().equals("events")).map(PulledChange::id)
                .toList();
        assertThat(events).doesNotHaveDuplicates();
        assertThat(new java.util.TreeSet<>(events)).isEqualTo(expected);
        assertThat(bootstrap.stream().filter(ch -> ch.table().equals("event_groups")).count()).isEqualTo(8);
    }

    @Test
    void viewersCannotEditEditorsCanButNotGiveAwayOrDelete() {
        String event = id();
        String share = id();
        aliceSharesTetWithBob(event, share, "permission", "view", "accepted_at", "2026-12-06T10:00:00Z");
        PushResponse refused = bob(b("events", event, "title", "Bob's"));
        assertThat(refused.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(refused.results().get(0).reason()).contains("viewing only");
        assertThat(refused.results().get(0).current().get("title").asText()).isEqualTo("Tet");

        assertApplied(alice(a("shares", share, "permission", "edit")));
        assertApplied(bob(b("events", event, "title", "Bob's")));
        String[] aliceCursor = {null};
        assertThat(last(pullAll(sync, ALICE, "alice-laptop", aliceCursor)).get("events/" + event).values()
                .get("title").asText()).isEqualTo("Bob's");

        assertThat(bob(b("events", event, "user_id", BOB)).results().get(0).reason()).contains("cannot change");
        assertThat(bob(seen(SyncTestSupport.delete("bob-phone", ++bobSeq, ++clock, "events", event))).results().get(0)
                .reason()).contains("only its owner may delete");
        // the recipient may accept, nothing else of the share
        assertThat(bob(b("shares", share, "permission", "edit")).results().get(0).reason())
                .contains("may not change permission");
    }

    @Test
    void anEditorCannotDeleteASharedEventBySettingItsDeletedAt() throws Exception {
        String event = id();
        aliceSharesTetWithBob(event, id(), "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z");
        // a delete sent as an edit of deleted_at, which is what an app's UPDATE ... SET deleted_at pushes
        PushResponse refused = bob(b("events", event, "deleted_at", "2026-12-06T11:00:00Z"));
        assertThat(refused.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(refused.results().get(0).reason()).contains("only its owner may delete");
        assertThat(SyncTestSupport.scalar(PG.dataSource(), "SELECT deleted_at IS NULL FROM events WHERE id = '" + event
                + "'")).isEqualTo("t");
    }

    @Test
    void anEditorsEditMadeWithoutSeeingTheOwnersDeleteDoesNotBringTheEventBack() throws Exception {
        // these tables have no cascade from events to shares: Bob still holds his edit share when Alice deletes
        String event = id();
        String share = id();
        aliceSharesTetWithBob(event, share, "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z");
        RowChange offline = b("events", event, "title", "Tet, at Bob's");
        assertApplied(alice(seen(SyncTestSupport.delete("alice-phone", ++aliceSeq, ++clock, "events", event))));
        PushResponse answer = bob(offline);
        assertThat(answer.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(answer.results().get(0).reason()).contains("was deleted by its owner");
        assertThat(SyncTestSupport.scalar(PG.dataSource(), "SELECT deleted_at IS NOT NULL FROM events WHERE id = '"
                + event + "'")).isEqualTo("t");
    }

    @Test
    void anAcceptMadeBeforeAnUnshareDoesNotBringTheShareBack() {
        String event = id();
        String share = id();
        aliceSharesTetWithBob(event, share, "permission", "edit");
        RowChange accept = b("shares", share, "accepted_at", "2026-12-06T10:00:00Z"); // made before the unshare
        assertApplied(alice(seen(SyncTestSupport.delete("alice-phone", ++aliceSeq, ++clock, "shares", share))));

        PushResponse refused = bob(accept);
        assertThat(refused.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(refused.results().get(0).reason()).contains("deleted by its owner");
        assertThat(pullAll(sync, BOB, "bob-laptop", new String[]{null}))
                .noneMatch(ch -> ch.table().equals("events") || ch.table().equals("shares"));
    }

    @Test
    void aReferenceToAnUnseenRowIsRefusedLikeOneToAMissingRow() {
        String event = id();
        String group = id();
        assertApplied(alice(a("events", event, "user_id", ALICE, "title", "private")));
        assertApplied(bob(b("groups", group, "user_id", BOB, "name", "mine")));
        PushResponse unseen = bob(b("event_groups", id(), "user_id", BOB, "event_id", event, "group_id", group));
        PushResponse missing = bob(b("event_groups", id(), "user_id", BOB, "event_id", id(), "group_id", group));
        assertThat(unseen.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(missing.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(unseen.results().get(0).reason().replace(event, "X"))
                .isEqualTo(missing.results().get(0).reason().replaceAll("[0-9a-f-]{36}", "X"));
    }

    @Test
    void aRecipientCannotShareOnWhatWasSharedWithThem() {
        String event = id();
        assertApplied(alice(a("events", event, "user_id", ALICE, "title", "Tet"),
                a("shares", id(), "user_id", ALICE, "shared_with_user_id", BOB, "event_id", event,
                        "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z")));
        PushResponse reshared = bob(b("shares", id(), "user_id", BOB, "shared_with_user_id", CAROL, "event_id", event,
                "accepted_at", "2026-12-06T10:00:00Z"));
        assertThat(reshared.results().get(0).status()).isEqualTo(ChangeStatus.REJECTED);
        assertThat(reshared.results().get(0).reason()).contains("must name a row you own");
        assertThat(pullAll(sync, CAROL, "carol-phone", new String[]{null})).noneMatch(ch -> ch.id().equals(event));
    }

    @Test
    void aGroupShareMovesItsEventsInAndOut() {
        String group = id();
        String inGroup = id();
        String outside = id();
        String link = id();
        String share = id();
        assertApplied(alice(a("groups", group, "user_id", ALICE, "name", "Family"),
                a("events", inGroup, "user_id", ALICE, "title", "Birthday"),
                a("events", outside, "user_id", ALICE, "title", "Dentist"),
                a("event_groups", link, "user_id", ALICE, "event_id", inGroup, "group_id", group)));
        String[] bobCursor = {null};
        pullAll(sync, BOB, "bob-phone", bobCursor);
        assertApplied(alice(a("shares", share, "user_id", ALICE, "shared_with_user_id", BOB, "group_id", group,
                "permission", "edit", "accepted_at", "2026-12-06T10:00:00Z")));
        Map<String, PulledChange> seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen).containsKeys("groups/" + group, "events/" + inGroup, "event_groups/" + link)
                .doesNotContainKey("events/" + outside);

        // adding an event to the shared group moves it in without the event changing
        String link2 = id();
        assertApplied(alice(a("event_groups", link2, "user_id", ALICE, "event_id", outside, "group_id", group)));
        seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen.get("events/" + outside).op()).isEqualTo(Operation.UPSERT);

        // taking it out moves it out
        assertApplied(alice(a("event_groups", link2, "deleted_at", "2026-12-06T11:00:00Z")));
        seen = last(pullAll(sync, BOB, "bob-phone", bobCursor));
        assertThat(seen.get("events/" + outside).op()).isEqualTo(Operation.REMOVE);
        assertThat(seen.get("event_groups/" + link2).op()).isEqualTo(Operation.REMOVE);
        assertThat(seen).doesNotContainKey("events/" + inGroup);

        // Carol sees none of it, ever
        assertThat(pullAll(sync, CAROL, "carol-phone", new String[]{null}))
                .allSatisfy(ch -> assertThat(ch.table() + "/" + ch.id()).isEqualTo("users/" + CAROL));
    }

    @Test
    void aSubscriptionNarrowsWhatADeviceGetsAndChangingItMovesRowsInAndOut() {
        String mine = id();
        String family = id();
        String work = id();
        String link = id();
        assertApplied(alice(a("groups", family, "user_id", ALICE, "name", "Family"),
                a("groups", work, "user_id", ALICE, "name", "Work"),
                a("events", mine, "user_id", ALICE, "title", "Birthday"),
                a("event_groups", link, "user_id", ALICE, "event_id", mine, "group_id", family),
                a("shares", id(), "user_id", ALICE, "shared_with_user_id", BOB, "group_id", family,
                        "accepted_at", "2026-12-06T10:00:00Z"),
                a("shares", id(), "user_id", ALICE, "shared_with_user_id", BOB, "group_id", work,
                        "accepted_at", "2026-12-06T10:00:00Z")));
        subscribe(BOB, "bob-watch", Map.of("groups", Map.of("id", List.of(work)),
                "event_groups", Map.of("group_id", List.of(work))));
        String[] cursor = {null};
        Map<String, PulledChange> seen = last(pullAll(sync, BOB, "bob-watch", cursor));
        assertThat(seen).containsKey("groups/" + work).doesNotContainKeys("groups/" + family, "event_groups/" + link);

        // widening to both groups brings Family in; Bob's phone, which asked for everything, is not narrowed
        subscribe(BOB, "bob-watch", Map.of("groups", Map.of("id", List.of(work, family))));
        seen = last(pullAll(sync, BOB, "bob-watch", cursor));
        assertThat(seen.get("groups/" + family).op()).isEqualTo(Operation.UPSERT);
        assertThat(seen.get("event_groups/" + link).op()).isEqualTo(Operation.UPSERT);

        // narrowing again moves Family out, and later edits of it are not sent as rows
        subscribe(BOB, "bob-watch", Map.of("groups", Map.of("id", List.of(work))));
        seen = last(pullAll(sync, BOB, "bob-watch", cursor));
        assertThat(seen.get("groups/" + family).op()).isEqualTo(Operation.REMOVE);
        assertApplied(alice(a("groups", family, "name", "Family!")));
        assertThat(last(pullAll(sync, BOB, "bob-watch", cursor)).get("groups/" + family))
                .satisfies(ch -> assertThat(ch == null || ch.op() == Operation.REMOVE).isTrue());
        assertThat(last(pullAll(sync, BOB, "bob-phone", new String[]{null})).get("groups/" + family).values()
                .get("name").asText()).isEqualTo("Family!");

        // a subscription can narrow, never widen: Carol may not ask for Alice's group, nor by an undeclared column
        assertThatThrownBy(() -> subscribe(CAROL, "carol-phone", Map.of("groups", Map.of("id", List.of(work)))))
                .isInstanceOf(MooringException.class).hasMessageContaining("subscription groups.id is refused")
                .hasMessageContaining("not shared with you");
        assertThatThrownBy(() -> subscribe(BOB, "bob-watch", Map.of("events", Map.of("title", List.of("x")))))
                .isInstanceOf(MooringException.class).hasMessageContaining("subscription events.title is refused");
    }

    void subscribe(String user, String node, Map<String, Map<String, List<String>>> subscription) {
        sync.handshake(user, new dev.mooring.sync.Handshake(node, "1", java.util.Set.of(), subscription), "1", null);
    }

    @Test
    void aUsersPackageHoldsWhatTheirPullWouldHold(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String shared = id();
        String notShared = id();
        assertApplied(alice(a("events", shared, "user_id", ALICE, "title", "Tet"),
                a("events", notShared, "user_id", ALICE, "title", "private"),
                a("shares", id(), "user_id", ALICE, "shared_with_user_id", BOB, "event_id", shared,
                        "accepted_at", "2026-12-06T10:00:00Z")));
        PackageGeneration cut = Packages.create(PG.dataSource(), sync.config())
                .cut(PackageRequest.forUser("bob", BOB, "users", "events", "shares"), dir.resolve("bob.mpkg"));
        try (dev.mooring.sync.PackageFile.Verified file = dev.mooring.sync.PackageFile.verify(cut.file(), dir);
             java.sql.Connection c = file.open(); java.sql.Statement s = c.createStatement()) {
            try (java.sql.ResultSet rs = s.executeQuery("SELECT id FROM events")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(shared);
                assertThat(rs.next()).isFalse();
            }
            try (java.sql.ResultSet rs = s.executeQuery("SELECT id, email, display_name FROM users ORDER BY id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(ALICE);
                assertThat(rs.getString(2)).isNull(); // never the e-mail of another user
                assertThat(rs.getString(3)).isEqualTo("Alice");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo("bob@example.com");
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void sharedWithHoldsTheLiveRowsOfOthersTheUserMaySeeInTheirDeclaredColumnsAndNoneOfTheirOwn() throws Exception {
        String shared = id();
        String share = id();
        String mine = id();
        assertApplied(alice(a("events", shared, "user_id", ALICE, "title", "Tet"),
                a("events", id(), "user_id", ALICE, "title", "private"),
                a("shares", share, "user_id", ALICE, "shared_with_user_id", BOB, "event_id", shared,
                        "accepted_at", "2026-12-06T10:00:00Z")));
        assertApplied(bob(b("events", mine, "user_id", BOB, "title", "Bob's own")));

        java.io.StringWriter text = new java.io.StringWriter();
        Map<String, Long> rows;
        try (java.sql.Connection c = PG.dataSource().getConnection();
             com.fasterxml.jackson.core.JsonGenerator json = new com.fasterxml.jackson.core.JsonFactory()
                     .createGenerator(text)) {
            c.setAutoCommit(false);
            rows = sync.sharedWith(c, BOB, json);
            c.rollback();
        }
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text.toString());
        assertThat(rows).containsExactly(Map.entry("users", 1L), Map.entry("events", 1L), Map.entry("groups", 0L),
                Map.entry("event_groups", 0L), Map.entry("shares", 1L));
        assertThat(doc.get("events")).hasSize(1);
        assertThat(doc.get("events").get(0).get("id").asText()).isEqualTo(shared);
        com.fasterxml.jackson.databind.JsonNode alice = doc.get("users").get(0);
        assertThat(alice.fieldNames()).toIterable().containsExactlyInAnyOrder("id", "display_name");
        assertThat(alice.get("id").asText()).isEqualTo(ALICE);
        assertThat(alice.get("display_name").asText()).isEqualTo("Alice");
        assertThat(doc.get("shares").get(0).get("id").asText()).isEqualTo(share);
        assertThat(text.toString()).doesNotContain(mine).doesNotContain("bob@example.com").doesNotContain("private");
    }

    @Test
    void rulesAreCheckedAgainstTheSchemaAtStartUp() {
        DataSource ds = PG.dataSource();
        assertThatThrownBy(() -> SyncService.create(ds, SyncConfigFile.parse("""
                tables:
                  - name: events
                    read: id IN (SELECT event_id FROM sharez WHERE shared_with_user_id = :user)
                  - name: groups
                    read: id IN (SELECT group_id FROM shares WHERE recipient = :user)
                  - name: shares
                    read: shared_with_user_id IN (SELECT id FROM users WHERE permission = 'edit')
                """, "bad rules"))).isInstanceOf(MooringException.class)
                .hasMessageContaining("table sharez does not exist")
                .hasMessageContaining("table shares has no column recipient")
                .hasMessageContaining("does not lead to :user");
        assertThatThrownBy(() -> SyncService.create(ds, SyncConfigFile.parse("""
                tables:
                  - name: events
                    read: "id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user); DROP TABLE users"
                """, "hostile"))).isInstanceOf(MooringException.class).hasMessageContaining("';' is not allowed");
    }

    /** Alice's event "Tet" and her share of it with Bob, which has these further columns. */
    void aliceSharesTetWithBob(String event, String share, String... shareColumns) {
        List<String> columns = new java.util.ArrayList<>(List.of("user_id", ALICE, "shared_with_user_id", BOB,
                "event_id", event));
        columns.addAll(List.of(shareColumns));
        assertApplied(alice(a("events", event, "user_id", ALICE, "title", "Tet"),
                a("shares", share, columns.toArray(String[]::new))));
    }

    static void assertApplied(PushResponse response) {
        assertThat(response.results()).allSatisfy(r -> assertThat(r.status()).as(String.valueOf(r.reason()))
                .isIn(ChangeStatus.APPLIED));
    }
}
