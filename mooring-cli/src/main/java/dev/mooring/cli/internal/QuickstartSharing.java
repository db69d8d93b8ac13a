package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.PushedChange;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncReport;

import javax.sql.DataSource;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static dev.mooring.cli.internal.QuickstartDevices.exec;

/**
 * The sharing part of {@code mooring quickstart}: the demo user, Alice (her {@code phone.db} and {@code laptop.db}),
 * shares one new event with a second demo user, Bob ({@code bob.db}), under the example's sharing rules, every device
 * a real {@link SyncClient} talking HTTP to the quickstart's sync server. Bob accepts, is refused an edit while he
 * may only view, edits once Alice lets him, and loses the event when she unshares. Each step is checked on the
 * devices' files and the server's database; the first that does not hold stops the quickstart with
 * {@link ErrorCode#INTERNAL} and the steps so far.
 *
 * <p>Bob's file is kept between runs like the others; every run shares a new event through a new share.
 */
final class QuickstartSharing {
    /** The second demo user, whom the demo user shares with. */
    static final String BOB = "00000000-0000-4000-8000-000000000b0b";
    static final String TITLE = "Family dinner";
    private static final String NOTES = "Bob brings dessert";

    /** One step: what was done, and what was checked to hold afterwards. */
    record Step(String action, String checked) {
    }

    /** The walk-through: Bob's device file, the event shared, the steps. */
    record Outcome(String bob, String event, List<Step> steps, long durationMs) {
    }

    private final String event = UUID.randomUUID().toString();
    private final String share = UUID.randomUUID().toString();
    private final List<Step> steps = new ArrayList<>();
    private String action;
    private DataSource serverDb;

    /** The three devices, and the two users' connections to the server. */
    private record Devices(SyncClient phone, SyncClient laptop, SyncClient bob, HttpTransport alice,
                           HttpTransport bobs) {
    }

    Outcome run(Path dataDir, URI server, String aliceToken, String bobToken, DataSource serverDb) {
        this.serverDb = serverDb;
        long started = System.nanoTime();
        Path bobFile = dataDir.resolve("bob.db");
        try (SyncClient phone = SyncClient.open(dataDir.resolve("phone.db"), QuickstartDevices.clientConfig());
             SyncClient laptop = SyncClient.open(dataDir.resolve("laptop.db"), QuickstartDevices.clientConfig());
             SyncClient bob = SyncClient.open(bobFile, QuickstartDevices.clientConfig());
             HttpTransport alice = HttpTransport.create(server, aliceToken);
             HttpTransport bobs = HttpTransport.create(server, bobToken)) {
            Devices d = new Devices(phone, laptop, bob, alice, bobs);
            exec(bob, "INSERT INTO users (id, email, display_name) VALUES (?, 'bob@example.com', 'Bob')"
                    + " ON CONFLICT (id) DO NOTHING", BOB);
            bob.sync(bobs);
            shareToView(d);
            invitationArrives(d);
            accept(d);
            editRefusedWhileViewing(d);
            raiseToEdit(d);
            editAllowed(d);
            ownerReceivesTheEdit(d);
            unshare(d);
            return new Outcome(bobFile.toString(), event, List.copyOf(steps), (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "the quickstart's sharing walk-through failed" + (action == null
                    ? "" : " at '" + action + "'") + ": " + e.getMessage(), e);
        }
    }

    private void shareToView(Devices d) throws SQLException {
        step("Alice's phone shares '" + TITLE + "' with Bob, view only, and syncs");
        exec(d.phone(), "INSERT INTO events (id, user_id, title, solar_date) VALUES (?, ?, ?, '2026-12-24')", event,
                QuickstartSync.DEMO_USER, TITLE);
        exec(d.phone(), "INSERT INTO shares (id, user_id, shared_with_user_id, event_id, permission)"
                + " VALUES (?, ?, ?, ?, 'view')", share, QuickstartSync.DEMO_USER, BOB, event);
        SyncReport synced = d.phone().sync(d.alice());
        applied(synced, "events", event);
        applied(synced, "shares", share);
        Map<String, String> onServer = serverRow("shares", share);
        check(onServer != null && onServer.get("accepted_at") == null, "the server holds the share, not accepted",
                onServer);
        done("the server holds the share, not accepted yet");
    }

    private void invitationArrives(Devices d) throws SQLException {
        step("Bob's device syncs");
        d.bob().sync(d.bobs());
        holds(d.bob(), "shares", share, "accepted_at", null, "the share, not accepted");
        holds(d.bob(), "users", QuickstartSync.DEMO_USER, "display_name", "Alice", "Alice's display name");
        holds(d.bob(), "users", QuickstartSync.DEMO_USER, "email", null, "no e-mail of Alice's");
        check(row(d.bob(), "events", event) == null, "no event before Bob accepts", row(d.bob(), "events", event));
        keysHold(d.bob());
        done("it holds the invitation and Alice's display name (never her e-mail), not the event yet; its"
                + " foreign keys hold");
    }

    private void accept(Devices d) throws SQLException {
        step("Bob accepts: his device sets accepted_at and syncs, then syncs again");
        exec(d.bob(), "UPDATE shares SET accepted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?", share);
        applied(d.bob().sync(d.bobs()), "shares", share);
        d.bob().sync(d.bobs());
        holds(d.bob(), "events", event, "title", TITLE, "the event");
        keysHold(d.bob());
        done("the first sync sent the acceptance, the second brought the event");
    }

    private void editRefusedWhileViewing(Devices d) throws SQLException {
        step("Bob changes the title to 'Christmas dinner' although he may only view the event, and syncs");
        exec(d.bob(), "UPDATE events SET title = 'Christmas dinner' WHERE id = ?", event);
        PushedChange refused = answer(d.bob().sync(d.bobs()), "events", event);
        check(refused.status() == PushedChange.Status.REJECTED, "the server rejects the edit", refused);
        holds(d.bob(), "events", event, "title", TITLE, "the server's title back on Bob's device");
        List<OutboxEntry> rejected = d.bob().rejected().stream().filter(e -> e.id().equals(event)).toList();
        check(rejected.size() == 1, "the rejected change in Bob's sync status", rejected);
        rejected.forEach(e -> d.bob().discardRejected(e.seq()));
        done("rejected, and his device took the server's row back (title '" + TITLE + "'); his sync status listed"
                + " the change until he discarded it:\n" + ClientReports.rejectedTable(rejected).stripTrailing());
    }

    private void raiseToEdit(Devices d) throws SQLException {
        // the phone first takes in Bob's acceptance, as Alice's app would show it to her before she changes the share:
        // an edit made having seen his is not concurrent with it, whatever the manual conflict window of shares says
        step("Alice's phone syncs, raises the share to edit, and syncs; Bob's device syncs");
        d.phone().sync(d.alice());
        exec(d.phone(), "UPDATE shares SET permission = 'edit' WHERE id = ?", share);
        applied(d.phone().sync(d.alice()), "shares", share);
        d.bob().sync(d.bobs());
        holds(d.bob(), "shares", share, "permission", "edit", "the share with permission edit");
        done("Bob's copy of the share says edit");
    }

    private void editAllowed(Devices d) throws SQLException {
        step("Bob adds notes to the event and syncs");
        exec(d.bob(), "UPDATE events SET notes = ? WHERE id = ?", NOTES, event);
        applied(d.bob().sync(d.bobs()), "events", event);
        Map<String, String> onServer = serverRow("events", event);
        check(onServer != null && NOTES.equals(onServer.get("notes")), "Bob's notes on the server",
                onServer);
        done("applied: the server holds his notes");
    }

    private void ownerReceivesTheEdit(Devices d) throws SQLException {
        step("Alice's phone and laptop sync");
        for (SyncClient device : List.of(d.phone(), d.laptop())) {
            device.sync(d.alice());
            holds(device, "events", event, "notes", NOTES, "Bob's notes on " + device.path().getFileName());
            holds(device, "users", BOB, "display_name", "Bob", "Bob's display name on " + device.path().getFileName());
            holds(device, "users", BOB, "email", null, "no e-mail of Bob's on " + device.path().getFileName());
        }
        done("both hold Bob's notes, and Bob's display name (never his e-mail)");
    }

    private void unshare(Devices d) throws SQLException {
        step("Alice's phone unshares (deletes the share: a tombstone) and syncs; Bob's device syncs");
        exec(d.phone(), "DELETE FROM shares WHERE id = ?", share);
        applied(d.phone().sync(d.alice()), "shares", share);
        Map<String, String> onServer = serverRow("shares", share);
        check(onServer != null && onServer.get("deleted_at") != null, "the share tombstoned on the server", onServer);
        long removed = d.bob().sync(d.bobs()).removed();
        for (String[] gone : new String[][] {{"events", event}, {"shares", share}, {"users", QuickstartSync.DEMO_USER}}) {
            Map<String, String> left = row(d.bob(), gone[0], gone[1]);
            check(left == null, "Bob's device no longer to hold " + gone[0] + " " + gone[1], left);
        }
        keysHold(d.bob());
        holds(d.phone(), "events", event, "deleted_at", null, "the event still on Alice's phone");
        done("the event, the share and Alice's name have left Bob's device (his sync removed " + removed
                + " rows); Alice keeps the event");
    }

    /** The quickstart's section on sharing. */
    static String render(Outcome o) {
        return "== Sharing between two users (Alice: phone, laptop; Bob: " + o.bob() + ") ==\n"
                + "Alice, the demo user, shares a new event with Bob under the rules of the example's sync.yaml; each"
                + " step was checked on the devices and the server; " + o.durationMs() + " ms in all:\n"
                + steps(o.steps()) + "All " + o.steps().size() + " steps went as the rules say.";
    }

    private static String steps(List<Step> steps) {
        StringBuilder text = new StringBuilder();
        int n = 1;
        for (Step s : steps) {
            text.append("  ").append(n++).append(". ").append(s.action()).append('\n')
                    .append(s.checked().indent(5));
        }
        return text.toString();
    }

    private void step(String what) {
        action = what;
    }

    private void done(String checked) {
        steps.add(new Step(action, checked));
        action = null;
    }

    /** Stops the quickstart unless {@code holds}: the steps so far, then this one with what was expected and found. */
    private void check(boolean holds, String expected, Object found) {
        if (!holds) {
            throw new MooringException(ErrorCode.INTERNAL, "The quickstart's sharing walk-through did not go as the"
                    + " rules say (a bug in Mooring; please report it). The steps so far:\n" + steps(steps) + "  "
                    + (steps.size() + 1) + ". " + action + "\n     FAILED: expected " + expected + ", found " + found);
        }
    }

    private void applied(SyncReport report, String table, String id) {
        PushedChange change = answer(report, table, id);
        check(change.status() == PushedChange.Status.APPLIED, "the server to apply the change of " + table, change);
    }

    /** The server's answer to the sync's last pushed change of the row. */
    private PushedChange answer(SyncReport report, String table, String id) {
        PushedChange last = null;
        for (PushedChange c : report.changes()) {
            if (c.table().equals(table) && c.id().equals(id)) {
                last = c;
            }
        }
        check(last != null, "a pushed change of " + table + " " + id, report.changes());
        return last;
    }

    /** Checks that the device holds the row, its {@code column} holding {@code value} ({@code null}: SQL NULL). */
    private void holds(SyncClient device, String table, String id, String column, String value, String expected)
            throws SQLException {
        Map<String, String> row = row(device, table, id);
        check(row != null && Objects.equals(value, row.get(column)), expected, row);
    }

    /** SQLite's own check that every reference on the device names a row it holds. */
    private void keysHold(SyncClient device) throws SQLException {
        List<String> broken = new ArrayList<>();
        try (Connection c = device.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT \"table\", parent FROM pragma_foreign_key_check"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                broken.add(rs.getString(1) + " -> " + rs.getString(2));
            }
        }
        check(broken.isEmpty(), "no broken references on " + device.path().getFileName(), broken);
    }

    /** A row on a device, column by column as text; {@code null} when it does not hold it. */
    private static Map<String, String> row(SyncClient device, String table, String id) throws SQLException {
        try (Connection c = device.connection()) {
            return row(c, "SELECT * FROM " + table + " WHERE id = ?", id);
        }
    }

    /** A row in the server's database, column by column as text; {@code null} when there is none. */
    private Map<String, String> serverRow(String table, String id) throws SQLException {
        try (Connection c = serverDb.getConnection()) {
            return row(c, "SELECT * FROM " + table + " WHERE id = ?::uuid", id);
        }
    }

    private static Map<String, String> row(Connection c, String sql, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, Objects.requireNonNull(id));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ResultSetMetaData meta = rs.getMetaData();
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.put(meta.getColumnName(i), rs.getString(i));
                }
                return row;
            }
        }
    }
}
