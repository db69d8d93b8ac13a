package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * What the server should hold, worked out from the documented rules alone — per-column last writer wins by hybrid
 * logical time; a delete loses to an edit by another device it had not pulled (update-wins); an edit of a deleted
 * row brings it back; a client clock more than the maximum skew ahead is clamped; a re-sent change is a duplicate —
 * applied to every change the clients pushed, in the order the server received them.
 *
 * <p>After each push it compares its decision with the server's answer (the status of every change) and with the
 * change log the push wrote (which rows, which operation, which columns, at what time): nothing the rules keep may
 * be missing, nothing may be written twice. Where they differ it records a violation and takes the server's row as it
 * is, so one wrong decision is reported once rather than in everything after it.
 *
 * <p>Known only to the server is where a clamped time lands: {@code wall + max skew}, with the server's wall clock
 * somewhere between the moments just before and after the push. When the change wrote something the change log has
 * its exact time; when it wrote nothing, the model checks the rules let it lose even at the earliest time it can have
 * had (a later time only wins more columns).
 *
 * <p>"Seen" is what the rules say: changes by other nodes at or before the change's basis, the (transaction,
 * sequence) feed position the device had pulled to when it made the change. Not thread-safe.
 */
final class ExpectedServer implements LossyTransport.Witness {
    static final Map<String, List<String>> COLUMNS = Map.of(
            "notes", List.of("user_id", "title", "body", "color"),
            "tags", List.of("user_id", "name"));
    static final String TOMBSTONE = "deleted_at";
    private static final JsonNode DELETED = TextNode.valueOf("(deleted by the server)");
    private static final Hlc NEVER = new Hlc(0, 0, "0");

    private record Position(long xid, long seq) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return xid != o.xid ? Long.compare(xid, o.xid) : Long.compare(seq, o.seq);
        }
    }

    /** One change log entry, as the server wrote it. */
    private record Logged(Position position, String table, String id, String op, Set<String> changed, Hlc hlc,
                          String node) {
    }

    private static final class Row {
        boolean exists;
        boolean tombstoned;
        final Map<String, JsonNode> values = new HashMap<>();
        final Map<String, Hlc> stamps = new HashMap<>();
        final List<Logged> log = new ArrayList<>();
    }

    /** A decision: the status to answer, whether the row is created, tombstoned or brought back, which columns win. */
    private record Decision(ChangeStatus status, boolean insert, boolean tombstone, boolean revive, Set<String> winners,
                            String why) {
    }

    private final DataSource ds;
    private final long maxSkewMs;
    private final WriteLedger ledger;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Row> rows = new TreeMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final Map<String, Long> writesByNode = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private long logRead;

    ExpectedServer(DataSource ds, long maxSkewMs, WriteLedger ledger) {
        this.ds = ds;
        this.maxSkewMs = maxSkewMs;
        this.ledger = ledger;
    }

    List<String> violations() {
        return violations;
    }

    /** How often each kind of decision came up: duplicates, clamped times, superseded changes, revived rows, … */
    Map<String, Integer> counts() {
        return counts;
    }

    /** Takes in one push the server answered; never throws (a problem becomes a violation). */
    @Override
    public void pushed(PushRequest request, PushResponse response, long wallBefore, long wallAfter) {
        try {
            check(request, response, wallBefore, wallAfter);
        } catch (SQLException | RuntimeException e) {
            violations.add("could not check a push from " + request.nodeId() + ": " + e);
        }
    }

    private void check(PushRequest request, PushResponse response, long wallBefore, long wallAfter)
            throws SQLException {
        String node = request.nodeId();
        Map<String, Logged> written = newLogEntries(node);
        if (response.results().size() != request.changes().size()) {
            violations.add("push from " + node + " of " + request.changes().size() + " changes got "
                    + response.results().size() + " results");
            return;
        }
        long seen = lastSeq.getOrDefault(node, 0L);
        long highest = seen;
        for (int i = 0; i < request.changes().size(); i++) {
            RowChange change = request.changes().get(i);
            ChangeResult result = response.results().get(i);
            String key = change.table() + '\u0000' + change.id();
            Logged entry = written.remove(key);
            String what = WriteLedger.describe(change);
            if (result.clientSeq() != change.clientSeq()) {
                violations.add("result " + i + " of a push from " + node + " answers #" + result.clientSeq()
                        + " instead of " + what);
                continue;
            }
            if (change.clientSeq() <= seen) {
                count("duplicate");
                expect(result.status() == ChangeStatus.DUPLICATE, what + " was sent again: expected duplicate, got "
                        + result.status());
                expect(entry == null, what + " was sent again and written again: " + entry);
                continue;
            }
            highest = Math.max(highest, change.clientSeq());
            violations.addAll(ledger.checkPushed(change));
            decide(change, result, entry, wallBefore, wallAfter);
        }
        lastSeq.put(node, highest);
        written.values().forEach(e -> violations.add("the push from " + node + " wrote " + e
                + ", which none of its changes called for"));
    }

    private void decide(RowChange change, ChangeResult result, Logged entry, long wallBefore, long wallAfter)
            throws SQLException {
        String what = WriteLedger.describe(change);
        Row row = rows.computeIfAbsent(change.table() + '\u0000' + change.id(), k -> new Row());
        Hlc earliest = clamp(change.hlc(), wallBefore);
        Hlc latest = clamp(change.hlc(), wallAfter);
        if (!latest.equals(change.hlc())) {
            count("clamped");
        }
        Hlc stamp = earliest;
        if (entry != null) {
            stamp = entry.hlc();
            expect(stamp.compareTo(earliest) >= 0 && stamp.compareTo(latest) <= 0, what + " was written at "
                    + stamp + ", outside the times the clamp allows, " + earliest + " to " + latest);
        }
        Position basis = basis(change.basis());
        boolean unseen = row.log.stream()
                .anyMatch(e -> !e.node().equals(change.nodeId()) && e.position().compareTo(basis) > 0);
        Decision decision = decide(row, change, stamp, unseen);
        count(decision.why());
        String before = row.exists ? row.values + ", column times " + row.stamps : "none";
        Set<String> changed = apply(row, change, stamp, decision);
        String expectedOp = decision.insert() ? "insert" : changed.isEmpty() ? null : "update";
        boolean agrees = result.status() == decision.status()
                && Objects.equals(expectedOp, entry == null ? null : entry.op())
                && (entry == null || decision.insert() || entry.changed().equals(changed));
        if (!agrees) {
            violations.add(what + ": the rules say " + decision.status() + " (" + decision.why() + ")"
                    + (expectedOp == null ? ", writing nothing" : ", writing " + expectedOp + " of " + changed)
                    + "; the server answered " + result.status() + " and wrote "
                    + (entry == null ? "nothing" : entry.op() + " of " + entry.changed())
                    + ". The row before: " + before + "; unseen changes by others: " + unseen);
            adopt(row, change.table(), change.id());
        }
        if (entry != null) {
            row.log.add(entry);
            writesByNode.merge(change.nodeId(), 1L, Long::sum);
        }
    }

    /** The rules, for a change stamped {@code stamp} meeting {@code row}. */
    private static Decision decide(Row row, RowChange change, Hlc stamp, boolean unseen) {
        if (change.op() == Operation.DELETE) {
            if (!row.exists || row.tombstoned) {
                return new Decision(ChangeStatus.APPLIED, false, false, false, Set.of(), "delete of a deleted row");
            }
            return unseen
                    ? new Decision(ChangeStatus.SUPERSEDED, false, false, false, Set.of(),
                    "delete lost to an edit it had not seen")
                    : new Decision(ChangeStatus.APPLIED, false, true, false, Set.of(), "delete");
        }
        if (!row.exists) {
            return new Decision(ChangeStatus.APPLIED, true, false, false, change.values().keySet(), "insert");
        }
        Set<String> winners = new LinkedHashSet<>();
        for (String column : change.values().keySet()) {
            if (stamp.compareTo(row.stamps.getOrDefault(column, NEVER)) > 0) {
                winners.add(column);
            }
        }
        if (row.tombstoned && !change.values().containsKey(TOMBSTONE)) {
            // update-wins: the edit brings the row back; each of its columns still goes to the newest write
            return new Decision(ChangeStatus.APPLIED, false, false, true, winners, "edit revived a deleted row");
        }
        if (winners.isEmpty()) {
            return new Decision(ChangeStatus.SUPERSEDED, false, false, false, winners,
                    "every column had a newer write");
        }
        return new Decision(ChangeStatus.APPLIED, false, false, false, winners,
                winners.size() < change.values().size() ? "some columns had a newer write" : "update");
    }

    /** Writes a decision into the row; returns the columns whose value it changed (what the change log records). */
    private static Set<String> apply(Row row, RowChange change, Hlc stamp, Decision decision) {
        Set<String> changed = new TreeSet<>();
        if (decision.insert()) {
            row.exists = true;
            row.values.clear();
            row.values.putAll(change.values());
            row.values.putIfAbsent(TOMBSTONE, NullNode.getInstance());
            row.values.keySet().forEach(column -> row.stamps.put(column, stamp));
            row.tombstoned = !row.values.get(TOMBSTONE).isNull();
            return changed;
        }
        for (String column : decision.winners()) {
            JsonNode value = change.values().get(column);
            if (!value.equals(row.values.getOrDefault(column, NullNode.getInstance()))) {
                changed.add(column);
            }
            row.values.put(column, value);
            row.stamps.put(column, stamp);
        }
        if (decision.tombstone() || decision.revive()) {
            changed.add(TOMBSTONE);
            row.values.put(TOMBSTONE, decision.tombstone() ? DELETED : NullNode.getInstance());
            row.stamps.put(TOMBSTONE, stamp);
        }
        row.tombstoned = !row.values.getOrDefault(TOMBSTONE, NullNode.getInstance()).isNull();
        return changed;
    }

    /** The time the server gives a change received when its wall clock read {@code wall}. */
    private Hlc clamp(Hlc hlc, long wall) {
        long limit = wall + maxSkewMs;
        return hlc.physicalMs() > limit ? new Hlc(limit, hlc.counter(), hlc.nodeId()) : hlc;
    }

    /** The feed position a basis names: everything at or before it had been pulled. */
    private static Position basis(String basis) {
        if (basis == null || basis.isEmpty()) {
            return new Position(-1, -1);
        }
        String[] parts = basis.split("\\.");
        // c1.<xid>.<seq>: pulled through (xid, seq); b1.<xmin>.…: a bootstrap from the snapshot before xmin
        return new Position(Long.parseLong(parts[1]), parts[0].equals("c1") ? Long.parseLong(parts[2]) : 0);
    }

    /** The change log entries written since the last look, by row; every one must be the pushing node's. */
    private Map<String, Logged> newLogEntries(String node) throws SQLException {
        Map<String, Logged> entries = new LinkedHashMap<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, xid::text, table_name, record_id, operation,"
                     + " changed_columns, hlc, origin_node FROM mooring.change_log WHERE seq > ? ORDER BY seq")) {
            ps.setLong(1, logRead);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    logRead = rs.getLong(1);
                    Array changed = rs.getArray(6);
                    Logged entry = new Logged(new Position(Long.parseLong(rs.getString(2)), rs.getLong(1)),
                            rs.getString(3), rs.getString(4), rs.getString(5),
                            new TreeSet<>(Arrays.asList((String[]) changed.getArray())), Hlc.parse(rs.getString(7)),
                            rs.getString(8));
                    if (!node.equals(entry.node())) {
                        violations.add("a push from " + node + " was followed by a change log entry of " + entry.node()
                                + ": " + entry);
                    }
                    Logged twice = entries.put(entry.table() + '\u0000' + entry.id(), entry);
                    if (twice != null) {
                        violations.add("one push wrote " + entry.table() + " " + entry.id() + " twice: " + twice
                                + " and " + entry);
                    }
                }
            }
        }
        return entries;
    }

    /** Takes the server's row and column times as they are, after a decision the server made otherwise. */
    private void adopt(Row row, String table, String id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement rowQuery = c.prepareStatement("SELECT to_jsonb(r)::text FROM " + table
                     + " r WHERE r.id::text = ?");
             PreparedStatement versions = c.prepareStatement("SELECT column_hlcs::text, base_hlc FROM"
                     + " mooring.column_versions WHERE table_name = ? AND record_id = ?")) {
            rowQuery.setString(1, id);
            row.values.clear();
            row.stamps.clear();
            try (ResultSet rs = rowQuery.executeQuery()) {
                row.exists = rs.next();
                if (row.exists) {
                    json.readTree(rs.getString(1)).properties()
                            .forEach(e -> row.values.put(e.getKey(), e.getValue()));
                    row.values.remove("id");
                }
            }
            row.tombstoned = row.exists && !row.values.get(TOMBSTONE).isNull();
            versions.setString(1, table);
            versions.setString(2, id);
            try (ResultSet rs = versions.executeQuery()) {
                if (rs.next()) {
                    Map<String, Hlc> columns = new HashMap<>();
                    json.readTree(rs.getString(1)).properties()
                            .forEach(e -> columns.put(e.getKey(), Hlc.parse(e.getValue().asText())));
                    Hlc base = Hlc.parse(rs.getString(2));
                    row.values.keySet().forEach(col -> row.stamps.put(col, columns.getOrDefault(col, base)));
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException(e);
        }
    }

    /**
     * After the clients quiesced: the server holds exactly the rows the rules produce, column by column, and each
     * node's changes were written exactly as often as the rules called for.
     */
    List<String> checkServer() throws SQLException {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, JsonNode>> server = serverRows(ds);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            rows.forEach((key, row) -> {
                String table = key.substring(0, key.indexOf('\u0000'));
                String name = key.replace('\u0000', ' ');
                Map<String, JsonNode> actual = server.remove(key);
                if (actual == null) {
                    if (row.exists) {
                        problems.add(name + " should be on the server " + describe(table, row.values, row.tombstoned)
                                + " but is not there");
                    }
                    return;
                }
                boolean tombstoned = !actual.get(TOMBSTONE).isNull();
                boolean same = row.exists && tombstoned == row.tombstoned && COLUMNS.get(table).stream()
                        .allMatch(col -> row.values.getOrDefault(col, NullNode.getInstance()).equals(actual.get(col)));
                if (!same) {
                    problems.add(name + " should be " + (row.exists ? describe(table, row.values, row.tombstoned)
                            : "absent") + " but the server has " + describe(table, actual, tombstoned));
                }
            });
            server.keySet().forEach(key -> problems.add(key.replace('\u0000', ' ') + " is on the server but no client"
                    + " ever pushed it"));
            Map<String, Long> logged = new TreeMap<>();
            try (ResultSet rs = s.executeQuery("SELECT origin_node, count(*) FROM mooring.change_log GROUP BY 1")) {
                while (rs.next()) {
                    logged.put(rs.getString(1), rs.getLong(2));
                }
            }
            if (!logged.equals(writesByNode)) {
                problems.add("change log entries per node " + logged + ", but the rules called for " + writesByNode);
            }
        }
        return problems;
    }

    /** Every row of the synced tables on the server, as "table\0id" to its columns. */
    static Map<String, Map<String, JsonNode>> serverRows(DataSource ds) throws SQLException {
        ObjectMapper json = new ObjectMapper();
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : COLUMNS.keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT id::text, to_jsonb(r)::text FROM " + table + " r")) {
                    while (rs.next()) {
                        Map<String, JsonNode> values = new HashMap<>();
                        json.readTree(rs.getString(2)).properties()
                                .forEach(e -> values.put(e.getKey(), e.getValue()));
                        rows.put(table + '\u0000' + rs.getString(1), values);
                    }
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException(e);
        }
        return rows;
    }

    /** The rows the model holds, for the client checks: "table\0id" to live or not. */
    Map<String, Boolean> tombstones() {
        Map<String, Boolean> result = new TreeMap<>();
        rows.forEach((key, row) -> {
            if (row.exists) {
                result.put(key, row.tombstoned);
            }
        });
        return result;
    }

    /** A row's columns and deleted state, for messages. */
    static String describe(String table, Map<String, JsonNode> values, boolean tombstoned) {
        StringBuilder text = new StringBuilder();
        for (String column : COLUMNS.get(table)) {
            text.append(column).append('=').append(values.getOrDefault(column, NullNode.getInstance())).append(' ');
        }
        return text.append(tombstoned ? "(deleted)" : "(live)").toString();
    }

    private void expect(boolean condition, String violation) {
        if (!condition) {
            violations.add(violation);
        }
    }

    private void count(String what) {
        counts.merge(what, 1, Integer::sum);
    }
}
