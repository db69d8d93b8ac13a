package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * Sees every push and pull of the shared simulation the moment the server answered it (the simulation is
 * single-threaded, so nothing else changed the server since) and checks it against {@link Visibility}:
 * <ul>
 *   <li>a pull sends a user's device rows of other users only if the user may see them now, and of another user's
 *       {@code users} row only the declared column; it never sends them a delete of another user's row;</li>
 *   <li>a push writes another user's row only as that user's rights allowed when it was applied: the change log
 *       entries it wrote are updates of the granted columns of rows the pusher could update before or after the push
 *       (a recipient's own accept in the same push may open, and a leave close, the rights of the rest); every change
 *       to another user's row that the rights refuse is rejected, and every one they allow before and after is not;
 *       a change to the pusher's own row is refused only for a reference to an event they may not see;</li>
 *   <li>each change on its first delivery is the net effect of the app's writes ({@link WriteLedger}), and those the
 *       server applied are kept for {@link #lostWrites}: no write the server acknowledged as applied may be lost.</li>
 * </ul>
 * Not thread-safe.
 */
final class AccessWitness implements LossyTransport.Witness {
    /** The columns of another user's row a user may be allowed to change, by table (see the rules' update rules). */
    static final Map<String, Set<String>> GRANTED = Map.of("events", Set.of("title", "notes"),
            "shares", Set.of("accepted_at"));
    private static final String TOMBSTONE = ExpectedServer.TOMBSTONE;

    /** One change log entry. {@code revived}: it brought a deleted row back. */
    private record Logged(long seq, String table, String id, String op, Set<String> changed, String origin,
                          String audience, boolean revived) {
        String key() {
            return table + '\u0000' + id;
        }
    }

    /** A change the server answered as applied, with the columns it won and the change log's end right after it. */
    private record Applied(String key, Operation op, Map<String, JsonNode> values, long logThrough, String what) {
    }

    private final DataSource ds;
    private final Visibility visibility;
    private final WriteLedger ledger;
    /** Node id to user id; user id to name, for messages. */
    private final Map<String, String> users;
    private final Map<String, String> names;
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> attempts = new TreeMap<>();
    private final List<Applied> applied = new ArrayList<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private long logRead;
    private int removes;
    /** The server as the push under way found it: its rows, what the pusher could update, what they could see. */
    private Map<String, Map<String, JsonNode>> rowsBefore = Map.of();
    private Set<String> updatableBefore = Set.of();
    private Set<String> visibleBefore = Set.of();

    AccessWitness(DataSource ds, Visibility visibility, WriteLedger ledger, Map<String, String> users,
                  Map<String, String> names) {
        this.ds = ds;
        this.visibility = visibility;
        this.ledger = ledger;
        this.users = users;
        this.names = names;
    }

    List<String> violations() {
        return violations;
    }

    /** Changes to other users' rows by what they tried, whether the rights allowed it, and the server's answer. */
    Map<String, Integer> attempts() {
        return attempts;
    }

    /** How many removes (rows moving out of a user's view) the pulls delivered. */
    int removes() {
        return removes;
    }

    @Override
    public void pushing(PushRequest request) {
        try {
            String user = users.get(request.nodeId());
            rowsBefore = visibility.rows(request.changes().stream().map(c -> c.table() + '\u0000' + c.id()).toList());
            updatableBefore = visibility.updatable(user);
            // what the user sees matters only to a membership's reference to an event (checkOwn)
            visibleBefore = request.changes().stream().anyMatch(c -> c.table().equals("event_groups"))
                    ? visibility.visible(user).keySet() : Set.of();
        } catch (SQLException e) {
            violations.add("could not read the server before a push from " + request.nodeId() + ": " + e);
        }
    }

    @Override
    public void pushed(PushRequest request, PushResponse response, long wallBefore, long wallAfter) {
        try {
            check(request, response);
        } catch (SQLException | RuntimeException e) {
            violations.add("could not check a push from " + request.nodeId() + ": " + e);
        }
    }

    private void check(PushRequest request, PushResponse response) throws SQLException {
        String node = request.nodeId();
        String user = users.get(node);
        List<Logged> written = log(logRead);
        written.forEach(e -> logRead = Math.max(logRead, e.seq()));
        Set<String> updatableAfter = visibility.updatable(user);
        for (Logged entry : written) {
            if (!node.equals(entry.origin())) {
                violations.add("a push from " + node + " was followed by a change log entry of " + entry.origin()
                        + ": " + entry);
            } else if (!user.equals(entry.audience())) {
                checkWritten(user, entry, updatableAfter);
            }
        }
        if (response.results().size() != request.changes().size()) {
            violations.add("a push of " + request.changes().size() + " changes from " + node + " got "
                    + response.results().size() + " results");
            return;
        }
        long seen = lastSeq.getOrDefault(node, 0L);
        for (int i = 0; i < request.changes().size(); i++) {
            RowChange change = request.changes().get(i);
            ChangeResult result = response.results().get(i);
            String key = change.table() + '\u0000' + change.id();
            Map<String, JsonNode> before = rowsBefore.get(key);
            String owner = before == null ? user : Visibility.owner(key, before);
            if (!owner.equals(user) && result.current() != null && change.table().equals("users")
                    && !Set.of("id", "display_name").containsAll(result.current().keySet())) {
                violations.add("the answer to " + node + " about another user's users row " + change.id()
                        + " carried columns " + result.current().keySet() + ": only display_name is shared");
            }
            if (change.clientSeq() <= seen) {
                continue; // sent again after a lost answer: its first delivery was judged
            }
            lastSeq.merge(node, change.clientSeq(), Math::max);
            violations.addAll(ledger.checkPushed(change));
            String what = WriteLedger.describe(change) + " -> " + result.status()
                    + (result.reason() == null ? "" : " (" + result.reason() + ")");
            if (owner.equals(user)) {
                checkOwn(change, result, what);
            } else {
                checkForeign(change, result, before, updatableAfter.contains(key), what);
            }
            if (result.status() == ChangeStatus.APPLIED) {
                // applied in part when some columns had newer writes: the columns it won carry its time now (the
                // answer cannot say which, when the push also took the row out of its user's view)
                Map<String, JsonNode> won = new LinkedHashMap<>(change.values());
                won.remove("id");
                Map<String, String> times = columnTimes(change.table(), change.id());
                won.keySet().removeIf(col -> !change.hlc().toString().equals(times.get(col)));
                applied.add(new Applied(key, change.op(), won, logRead, what));
            }
        }
    }

    /** A change log entry a push wrote to another user's row: an update of granted columns the pusher may update. */
    private void checkWritten(String user, Logged entry, Set<String> updatableAfter) {
        Set<String> beyond = new TreeSet<>(entry.changed());
        beyond.removeAll(GRANTED.getOrDefault(entry.table(), Set.of()));
        if (entry.table().equals("events") && entry.revived()) {
            // an editor's edit of an event its owner deleted meanwhile brings it back: the delete policy (an edit
            // the delete had not seen wins over it), and the rules let editors change every column of an event
            beyond.remove(TOMBSTONE);
        }
        boolean right = updatableBefore.contains(entry.key()) || updatableAfter.contains(entry.key());
        if (!entry.op().equals("update") || !beyond.isEmpty() || !right) {
            violations.add("(c) a push by " + names.get(user) + " (" + entry.origin() + ") wrote " + entry.op()
                    + " of " + entry.changed() + " to " + entry.table() + " " + entry.id() + " of "
                    + names.get(entry.audience()) + (right ? "" : " without a right to update it")
                    + (beyond.isEmpty() ? "" : ", columns " + beyond + " not granted to others")
                    + (entry.revived() ? ", bringing back the deleted row" : ""));
        }
    }

    /** An own change is refused only for naming an event its user may not see (a shared event put in a group). */
    private void checkOwn(RowChange change, ChangeResult result, String what) {
        if (result.status() != ChangeStatus.REJECTED) {
            return;
        }
        JsonNode event = change.values().get("event_id");
        boolean unseen = change.table().equals("event_groups") && event != null
                && !visibleBefore.contains("events\u0000" + event.asText());
        if (unseen) {
            attempts.merge("own link to an event not seen (any more) -> REJECTED", 1, Integer::sum);
        } else {
            violations.add("(c) an own change was refused: " + what);
        }
    }

    /**
     * A change to another user's row: the rights before and after the push decide whether it must be refused
     * (rejected, never applied) or must not be. A share recipient's accept or leave of a share that was deleted
     * (unshared) would bring it back, which is not theirs to do.
     */
    private void checkForeign(RowChange change, ChangeResult result, Map<String, JsonNode> before,
                              boolean mayAfter, String what) {
        String table = change.table();
        String key = table + '\u0000' + change.id();
        boolean granted = change.op() == Operation.UPSERT
                && GRANTED.getOrDefault(table, Set.of()).containsAll(withoutId(change.values().keySet()));
        boolean mayBefore = updatableBefore.contains(key);
        boolean revives = !before.get(TOMBSTONE).isNull() && !table.equals("events");
        boolean allowed = granted && mayBefore && mayAfter && !revives;
        boolean refused = !granted || (!mayBefore && !mayAfter) || revives;
        ChangeStatus status = result.status();
        attempts.merge(kind(change) + (allowed ? " (allowed)" : refused ? " (not allowed)"
                : " (rights changed by the push)") + " -> " + status, 1, Integer::sum);
        if (allowed && status == ChangeStatus.REJECTED) {
            violations.add("(c) a change the rights allowed was refused: " + what);
        } else if (refused && status != ChangeStatus.REJECTED) {
            violations.add("(c) a change the rights refuse was not rejected" + (revives ? " (it would bring back a"
                    + " deleted share)" : "") + ": " + what);
        }
    }

    private static Set<String> withoutId(Set<String> columns) {
        Set<String> rest = new HashSet<>(columns);
        rest.remove("id");
        return rest;
    }

    /** What a change to another user's row tries, in the app's words. */
    private static String kind(RowChange change) {
        Map<String, JsonNode> values = change.values();
        if (change.table().equals("events")) {
            return change.op() == Operation.DELETE ? "delete shared event"
                    : values.containsKey(TOMBSTONE) && !values.get(TOMBSTONE).isNull()
                    ? "set deleted_at of shared event" : "edit shared event";
        }
        if (change.table().equals("shares") && change.op() == Operation.UPSERT
                && withoutId(values.keySet()).equals(Set.of("accepted_at"))) {
            return values.get("accepted_at").isNull() ? "leave share" : "accept share";
        }
        return (change.op() == Operation.DELETE ? "delete " : "change " + withoutId(values.keySet()) + " of ")
                + change.table() + " of another user";
    }

    @Override
    public void pulled(String nodeId, String cursor, PullResponse response) {
        try {
            String user = users.get(nodeId);
            Map<String, Map<String, JsonNode>> visible = null;
            Map<String, Map<String, JsonNode>> all = null;
            for (PulledChange change : response.changes()) {
                String key = change.table() + '\u0000' + change.id();
                if (change.op() == Operation.REMOVE) {
                    removes++;
                    continue;
                }
                String owner = Visibility.owner(key, change.values());
                if (owner == null) { // an update that did not change the owner column: the server's row says
                    all = all == null ? visibility.all() : all;
                    owner = all.containsKey(key) ? Visibility.owner(key, all.get(key)) : null;
                }
                if (user.equals(owner)) {
                    continue;
                }
                String what = change.op() + " of " + change.table() + " " + change.id() + " of " + names.get(owner);
                visible = visible == null ? visibility.visible(user) : visible;
                if (change.op() == Operation.DELETE) {
                    violations.add("(b) a pull sent " + nodeId + " the " + what + ": a delete of another user's row");
                } else if (!visible.containsKey(key)) {
                    violations.add("(b) a pull sent " + nodeId + " the " + what + ", which " + names.get(user)
                            + " may not see now");
                } else if (change.table().equals("users")
                        && !Set.of("id", "display_name").containsAll(change.values().keySet())) {
                    violations.add("(b) a pull sent " + nodeId + " the " + what + " with columns "
                            + change.values().keySet() + ": only display_name is shared");
                }
            }
        } catch (SQLException e) {
            violations.add("could not check a pull by " + nodeId + ": " + e);
        }
    }

    /**
     * (d) Every change the server answered as applied is still there: each column it won has its value on the
     * server, or a later change log entry changed that column; an applied delete left the row deleted, or a later
     * entry brought it back.
     */
    List<String> lostWrites() throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, JsonNode>> server = visibility.all();
        Map<String, List<Logged>> history = new HashMap<>();
        for (Logged entry : log(0)) {
            history.computeIfAbsent(entry.key(), k -> new ArrayList<>()).add(entry);
        }
        for (Applied write : applied) {
            Map<String, JsonNode> row = server.get(write.key());
            List<Logged> later = history.getOrDefault(write.key(), List.of()).stream()
                    .filter(e -> e.seq() > write.logThrough()).toList();
            if (row == null) {
                if (write.op() != Operation.DELETE) { // a delete of a row inserted and deleted before it went out
                    problems.add("(d) " + write.what() + ", but the row is not on the server");
                }
                continue;
            }
            if (write.op() == Operation.DELETE) {
                if (row.get(TOMBSTONE).isNull() && later.stream().noneMatch(e -> e.changed().contains(TOMBSTONE))) {
                    problems.add("(d) " + write.what() + ", but the row is live and nothing wrote it since");
                }
                continue;
            }
            write.values().forEach((column, value) -> {
                if (!Visibility.same(value, row.get(column))
                        && later.stream().noneMatch(e -> e.changed().contains(column))) {
                    problems.add("(d) " + write.what() + ", but the server has " + column + " = " + row.get(column)
                            + " and nothing wrote that column since");
                }
            });
        }
        return problems;
    }

    /** The hybrid logical time of each column of a row on the server now (an insert's, for those without one). */
    private Map<String, String> columnTimes(String table, String id) throws SQLException {
        Map<String, String> times = new HashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT k, coalesce(v.column_hlcs ->> k, v.base_hlc)"
                     + " FROM mooring.column_versions v, unnest(?::text[]) AS k"
                     + " WHERE v.table_name = ? AND v.record_id = ?")) {
            ps.setArray(1, c.createArrayOf("text", SharedApps.COLUMNS.get(table).toArray()));
            ps.setString(2, table);
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    times.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return times;
    }

    /** The change log entries after {@code seq}, in order. */
    private List<Logged> log(long seq) throws SQLException {
        List<Logged> entries = new ArrayList<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, table_name, record_id, operation, changed_columns,"
                     + " origin_node, audience, coalesce(old_row -> 'deleted_at' <> 'null'::jsonb"
                     + " AND new_row -> 'deleted_at' = 'null'::jsonb, false)"
                     + " FROM mooring.change_log WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array changed = rs.getArray(5);
                    entries.add(new Logged(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            new TreeSet<>(Arrays.asList((String[]) changed.getArray())), rs.getString(6),
                            rs.getString(7), rs.getBoolean(8)));
                }
            }
        }
        return entries;
    }
}
