package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.Hlc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a device of the shared simulation holds, against what its user may see on the server ({@link Visibility}):
 * after every pulled page ({@link #afterPull}) and once everyone has synced until nothing moves ({@link #converged}).
 * Also follows the changes a device gave up without sending them (their row moved out of its user's view), so the
 * {@link WriteLedger} does not count them as lost. Not thread-safe.
 */
final class SharedViews {
    private final Visibility visibility;
    private final WriteLedger ledger;
    private final Map<String, String> names;
    /** What the checks found, each once (a device's state after its last page is checked again once its pull ends). */
    private final Set<String> violations = new LinkedHashSet<>();
    /** Outbox entries found rejected so far, by node. */
    private final Map<String, Set<Long>> rejectedSeen = new HashMap<>();
    private int pullsChecked;
    private int awaitingRemove;
    private int awaitingAfterPull;
    /** Rows awaiting their remove at the last check. */
    private int lastAwaiting;
    private int givenUp;
    private int keptAfterRejection;

    SharedViews(Visibility visibility, WriteLedger ledger, Map<String, String> names) {
        this.visibility = visibility;
        this.ledger = ledger;
        this.names = names;
    }

    Set<String> violations() {
        return violations;
    }

    /** What the checks counted, for the log line of a seed. */
    String counts() {
        return pullsChecked + " pulled pages and pulls checked, " + awaitingRemove + " rows of others held while their"
                + " remove was still to come (" + awaitingAfterPull + " of them after a whole pull), " + givenUp
                + " waiting changes given up as their row moved out, " + keptAfterRejection + " own rows kept after the"
                + " server refused them";
    }

    /**
     * (b) Right after a pulled page was applied: every row of another user on the device is one its user may see on
     * the server now, and another user's {@code users} row holds nothing but {@code display_name}. The one exception
     * is a row whose remove the pull has not reached yet: in the middle of a pull (a later page still to come, or a
     * sync that stops here: a crash, answers lost until the retries ran out) the shared feed holds an entry for that
     * row beyond the device's cursor, and a later page or the next pull removes it. Such rows are counted, never
     * excused without that entry.
     */
    void afterPage(SimulatedDevice device) {
        check(device);
    }

    /**
     * (b) Once a pull reached the end of the feed, as {@link #afterPage}: the device is as its last page left it
     * ({@code pagesApplied}), or, when the pull applied none, checked now, since the server may have changed since.
     * A whole pull too may leave rows whose remove is still to come, counted apart: it delivers nothing from
     * transactions after the oldest one still open when it began (another application's long transaction, the server
     * recording sessions in the background), so an unshare committed after that one waits for it to end, as the
     * feed's never-skip rule has it.
     */
    void afterPull(SimulatedDevice device, boolean pagesApplied) {
        if (!pagesApplied) {
            check(device);
        }
        awaitingAfterPull += lastAwaiting;
    }

    private void check(SimulatedDevice device) {
        lastAwaiting = 0;
        try {
            pullsChecked++;
            Set<String> visible = null;
            Set<String> pending = null;
            for (Map.Entry<String, Map<String, JsonNode>> row : device.rows().entrySet()) {
                String key = row.getKey();
                String owner = Visibility.owner(key, row.getValue());
                if (device.user.equals(owner)) {
                    continue;
                }
                leak(device, key, row.getValue());
                visible = visible == null ? visibility.visible(device.user).keySet() : visible;
                if (visible.contains(key)) {
                    continue;
                }
                pending = pending == null ? visibility.feedAfter(device.user, cursor(device)) : pending;
                if (pending.contains(key)) {
                    awaitingRemove++;
                    lastAwaiting++;
                } else {
                    violations.add("(b) after a pulled page " + device + " holds " + describe(key, row.getValue())
                            + " of " + names.get(owner) + ", which " + names.get(device.user) + " may not see now,"
                            + " and no remove of it is to come");
                }
            }
        } catch (SQLException | RuntimeException e) {
            violations.add("could not check " + device + " after a pulled page: " + e);
        }
    }

    /**
     * (a) Once every device synced until nothing moved: the device holds exactly the live rows its user may see on
     * the server, each with the server's values (of another user's {@code users} row, {@code display_name} only, and
     * no e-mail), and nothing waits in its outbox. Besides those it may hold only tombstones of its user's own rows
     * and own rows the server refused (a shared event put in a group after the share ended), kept with their
     * rejected change as the client keeps every refused change.
     */
    List<String> converged(SimulatedDevice device) throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, JsonNode>> held = device.rows();
        Set<String> rejected = new HashSet<>();
        try (Statement s = device.app().createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, record_id, state FROM sync_queue")) {
            while (rs.next()) {
                if (rs.getString(3).equals("rejected")) {
                    rejected.add(rs.getString(1) + '\u0000' + rs.getString(2));
                } else {
                    problems.add("(a) " + device + " still has a " + rs.getString(3) + " change of " + rs.getString(1)
                            + " " + rs.getString(2) + " in its outbox");
                }
            }
        }
        visibility.visible(device.user).forEach((key, expected) -> {
            Map<String, JsonNode> mine = held.remove(key);
            String name = device + ": " + key.replace('\u0000', ' ');
            if (mine == null) {
                problems.add("(a) " + name + " is missing, and " + names.get(device.user) + " may see it");
            } else if (!mine.get(ExpectedServer.TOMBSTONE).isNull()) {
                problems.add("(a) " + name + " is deleted on the device but live on the server");
            } else if (!leak(device, key, mine)) {
                String table = key.substring(0, key.indexOf('\u0000'));
                for (String column : SharedApps.COLUMNS.get(table)) {
                    boolean shown = expected.containsKey(column); // another user's users row: display_name only
                    if (shown && !Visibility.same(mine.get(column), expected.get(column))) {
                        problems.add("(a) " + name + " has " + column + " = " + mine.get(column) + " but the server "
                                + expected.get(column));
                    }
                }
            }
        });
        held.forEach((key, mine) -> {
            String owner = Visibility.owner(key, mine);
            boolean live = mine.get(ExpectedServer.TOMBSTONE).isNull();
            if (!device.user.equals(owner)) {
                problems.add("(a) " + device + " holds " + describe(key, mine) + " of " + names.get(owner) + ", which "
                        + names.get(device.user) + " may not see");
            } else if (live && rejected.contains(key)) {
                keptAfterRejection++;
            } else if (live) {
                problems.add("(a) " + device + ": own " + describe(key, mine) + " is live on the device but not on"
                        + " the server");
            }
        });
        return problems;
    }

    /**
     * Notes the device's outbox entries rejected since the last look. Those the client rejected itself, because a
     * pull removed their row, were never sent: their writes are accounted for as given up. Only rows of other users
     * can move out of a user's view.
     */
    void rejections(SimulatedDevice device) throws SQLException {
        Set<Long> seen = rejectedSeen.computeIfAbsent(device.node(), n -> new HashSet<>());
        try (PreparedStatement ps = device.app().prepareStatement("SELECT q.seq, q.table_name, q.record_id, q.hlc,"
                + " q.last_error FROM sync_queue q WHERE q.state = 'rejected'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!seen.add(rs.getLong(1)) || !rs.getString(5).contains("no longer shared with you")) {
                    continue;
                }
                givenUp++;
                String key = rs.getString(2) + '\u0000' + rs.getString(3);
                ledger.givenUp(device.node(), rs.getString(2), rs.getString(3), Hlc.parse(rs.getString(4)));
                Map<String, JsonNode> row = visibility.all().get(key);
                if (row != null && device.user.equals(Visibility.owner(key, row))) {
                    violations.add(device + " gave up a change of its user's own row " + key.replace('\u0000', ' ')
                            + " as moved out: " + rs.getString(5));
                }
            }
        }
    }

    /** Whether another user's {@code users} row on the device holds more than the shared column (a violation). */
    private boolean leak(SimulatedDevice device, String key, Map<String, JsonNode> row) {
        if (!key.startsWith("users\u0000") || key.endsWith(device.user) || row.get("email").isNull()) {
            return false;
        }
        violations.add("(b) " + device + " holds the e-mail of user " + names.get(key.substring(6)) + ": "
                + row.get("email"));
        return true;
    }

    private static String cursor(SimulatedDevice device) throws SQLException {
        try (Statement s = device.app().createStatement();
             ResultSet rs = s.executeQuery("SELECT cursor FROM sync_state")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static String describe(String key, Map<String, JsonNode> row) {
        return (row.get(ExpectedServer.TOMBSTONE).isNull() ? "live " : "deleted ") + key.replace('\u0000', ' ');
    }
}
