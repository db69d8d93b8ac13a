package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Operation;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.PushedChange;
import dev.mooring.sync.client.SyncConflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The outbox, {@code sync_queue}. The capture triggers add one {@code pending} entry per write. A push first
 * <em>prepares</em> a batch: in one transaction the pending entries of up to N rows are merged into one
 * {@code sending} entry per row (its net effect, see {@link NetChange}) numbered with the node's next push
 * sequence numbers. That batch is frozen: after a crash the same changes go out again under the same numbers, and
 * the server's per-node sequence turns the repeat into duplicates. New writes meanwhile add new pending entries,
 * which go in a later batch.
 *
 * <p>Relays: entries with an {@code origin_node} are changes another node of the same user made, learned from a peer
 * ({@link #relay}). They arrive frozen (state {@code sending}, the origin's sequence number, time, basis and values)
 * and are never merged with this node's entries; they are pushed under their origin's node id and leave the outbox
 * when acknowledged, like this node's own. A client sequence is unique per origin. Stateless; every method works
 * inside the caller's transaction.
 */
public final class Outbox {
    private Outbox() {
    }

    /** One outbox entry as stored. */
    record Entry(long seq, String operation, String table, String id, String payload, String changed, String hlc,
                 String basis, String state, String origin) {
    }

    /**
     * Merges the pending entries of up to {@code maxRows} rows into a batch. Returns how many rows it holds, 0 when
     * nothing is pending.
     */
    static int prepare(Connection c, int maxRows, Map<String, LocalTable> tables) throws SQLException {
        Map<String, NetChange> rows = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, operation, table_name, record_id, payload, changed, hlc, basis"
                     + " FROM sync_queue WHERE state = 'pending' ORDER BY seq")) {
            while (rs.next()) {
                String key = NetChange.key(rs.getString(3), rs.getString(4));
                NetChange net = rows.get(key);
                if (net == null) {
                    if (rows.size() == maxRows) {
                        continue; // later entries of rows already in the batch still join it
                    }
                    net = new NetChange(rs.getString(3), rs.getString(4));
                    rows.put(key, net);
                }
                net.add(rs.getLong(1), rs.getString(2), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8));
            }
        }
        if (rows.isEmpty()) {
            return 0;
        }
        List<Long> vanished = readValues(c, rows.values(), tables);
        if (rows.isEmpty()) {
            deleteEntries(c, vanished);
            return 0;
        }
        long seq = ClientState.takeSequences(c, rows.size());
        List<Long> merged = new ArrayList<>(vanished);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO sync_queue (operation, table_name, record_id,"
                + " payload, hlc, basis, state, client_seq) VALUES (?, ?, ?, ?, ?, ?, 'sending', ?)")) {
            for (NetChange net : rows.values()) {
                insert.setString(1, net.operation);
                insert.setString(2, net.table);
                insert.setString(3, net.id);
                insert.setString(4, net.operation.equals("delete") ? null : Values.text(net.values));
                insert.setString(5, net.hlc.toString());
                insert.setString(6, net.basis);
                insert.setLong(7, seq++);
                insert.addBatch();
                merged.addAll(net.seqs);
            }
            insert.executeBatch();
        }
        deleteEntries(c, merged);
        return rows.size();
    }

    /**
     * Reads the values of pending edits from their rows as they are now. A row that no longer exists (its table
     * was dropped, or the row was removed without a tombstone) has nothing to send: its change is dropped from
     * {@code changes} and the seqs of its entries returned, to be deleted.
     */
    private static List<Long> readValues(Connection c, Collection<NetChange> changes, Map<String, LocalTable> tables)
            throws SQLException {
        List<Long> vanished = new ArrayList<>();
        try (RowReader rows = new RowReader(c, tables)) {
            for (Iterator<NetChange> it = changes.iterator(); it.hasNext(); ) {
                NetChange net = it.next();
                if (!rows.fill(net)) {
                    vanished.addAll(net.seqs);
                    it.remove();
                }
            }
        }
        return vanished;
    }

    private static void deleteEntries(Connection c, List<Long> seqs) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM sync_queue WHERE seq = ?")) {
            for (long raw : seqs) {
                delete.setLong(1, raw);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /**
     * Up to {@code limit} frozen changes as the server receives them ({@link #frozen}); {@code skip} names changes ({@link #key}) to leave out (deferred by the server in this
     * sync). Empty when no frozen change waits.
     */
    static List<RowChange> batch(Connection c, String nodeId, int limit, Set<String> skip) throws SQLException {
        List<RowChange> changes = new ArrayList<>();
        // for each row, the upserts before this point, origin by origin: a change of a row that another origin's
        // change before it (a peer's insert, relayed) also sets carries that change's values as its fill
        Map<String, List<RowChange>> earlier = new HashMap<>();
        for (RowChange change : frozen(c, nodeId)) {
            if (changes.size() == limit) {
                break;
            }
            String row = NetChange.key(change.table(), change.id());
            List<RowChange> before = earlier.get(row);
            if (change.op() == Operation.DELETE) {
                earlier.remove(row);
            } else {
                Map<String, JsonNode> fill = before == null ? Map.of() : fill(change, before);
                if (!fill.isEmpty()) {
                    change = change.withFill(fill);
                }
                earlier.computeIfAbsent(row, r -> new ArrayList<>()).add(change);
            }
            if (!skip.contains(key(change))) {
                changes.add(change);
            }
        }
        return changes;
    }

    /**
     * What earlier changes of other origins set in {@code change}'s row and it does not. The server may not have
     * those changes yet (a relay it deferred, because an earlier change of its origin has not reached it): the row
     * this change then creates takes these values, without their time, so it is whole and the real change still wins
     * them when it arrives.
     */
    private static Map<String, JsonNode> fill(RowChange change, List<RowChange> before) {
        Map<String, JsonNode> fill = new LinkedHashMap<>();
        for (RowChange other : before) {
            if (!other.nodeId().equals(change.nodeId())) {
                fill.putAll(other.fill());
                fill.putAll(other.values());
            }
        }
        fill.keySet().removeAll(change.values().keySet());
        fill.remove("id");
        return fill;
    }

    /**
     * Every frozen change (this node's in a batch, and relays), as {@link #batch} sends them: each origin's in
     * sequence order, the origins interleaved by time, the earliest head first. A change made after its node took in
     * a peer's change is stamped after it (the clock takes in every imported time), so the change it builds on — the
     * insert of a row it then edited, say — reaches the server first.
     */
    static List<RowChange> frozen(Connection c, String nodeId) throws SQLException {
        Map<String, java.util.ArrayDeque<RowChange>> byOrigin = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT operation, table_name, record_id, payload, hlc, basis, client_seq,"
                     + " origin_node FROM sync_queue WHERE state = 'sending'"
                     + " ORDER BY origin_node IS NOT NULL, origin_node, client_seq")) {
            while (rs.next()) {
                NetChange net = new NetChange(rs.getString(2), rs.getString(3));
                net.add(0, rs.getString(1), rs.getString(4), null, rs.getString(5), rs.getString(6));
                String origin = rs.getString(8) == null ? nodeId : rs.getString(8);
                byOrigin.computeIfAbsent(origin, o -> new java.util.ArrayDeque<>()).add(new RowChange(net.table,
                        net.id, net.wireOperation(), net.values, net.hlc, origin, rs.getLong(7), net.basis));
            }
        }
        List<RowChange> changes = new ArrayList<>();
        while (!byOrigin.isEmpty()) {
            java.util.ArrayDeque<RowChange> first = null;
            for (java.util.ArrayDeque<RowChange> queue : byOrigin.values()) {
                if (first == null || queue.peek().hlc().compareTo(first.peek().hlc()) < 0) {
                    first = queue;
                }
            }
            changes.add(first.poll());
            byOrigin.values().removeIf(java.util.ArrayDeque::isEmpty);
        }
        return changes;
    }

    /** A change's identity across nodes: its origin and sequence. */
    static String key(RowChange change) {
        return change.nodeId() + '\u0000' + change.clientSeq();
    }

    /**
     * Keeps another node's change for the server, frozen as it came: its origin, sequence, time, basis and values.
     * Returns {@code false} (and keeps nothing) when the outbox holds it already or the server acknowledged it
     * before ({@link #acknowledgedThrough}).
     */
    static boolean relay(Connection c, RowChange change) throws SQLException {
        if (change.clientSeq() <= acknowledgedThrough(c, change.nodeId())) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO sync_queue (operation, table_name,"
                + " record_id, payload, hlc, basis, state, client_seq, origin_node)"
                + " VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?)")) {
            boolean delete = change.op() == Operation.DELETE;
            ps.setString(1, delete ? "delete" : "update");
            ps.setString(2, change.table());
            ps.setString(3, change.id());
            ps.setString(4, delete ? null : Values.text(change.values()));
            ps.setString(5, change.hlc().toString());
            ps.setString(6, change.basis());
            ps.setLong(7, change.clientSeq());
            ps.setString(8, change.nodeId());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The highest sequence of {@code origin} the server has answered for a relay from this node: it had every
     * earlier change of that origin by then (it applies an origin's relays in order), so a copy of any of them that
     * comes again from a peer has nothing left to do. 0 when none.
     */
    static long acknowledgedThrough(Connection c, String origin) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT acknowledged_seq FROM peer_origins WHERE node_id = ?")) {
            ps.setString(1, origin);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Counts a failed attempt to send the prepared batch. */
    static void sendFailed(Connection c, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_queue SET retry_count = retry_count + 1,"
                + " last_error = ? WHERE state = 'sending'")) {
            ps.setString(1, error);
            ps.executeUpdate();
        }
    }

    /**
     * What recording the server's answer did; {@code deferred} names the changes ({@link #key}) it deferred,
     * {@code answers} says what became of each change answered.
     */
    record Ack(long acknowledged, long rejected, Set<String> deferred, List<SyncConflict> conflicts,
               Map<String, Set<String>> corrected, List<PushedChange> answers) {
    }

    /**
     * Records the server's answer to the batch: settled changes leave the outbox and their rows become
     * {@code synced} (unless newer edits wait); a rejected change stays, marked with the reason (and where the answer
     * carries the server's row, the local row takes it, except columns edited again since); a deferred relay
     * stays as it is, to be sent again in a later sync; where the server kept its own version of a column, the local
     * row takes it (except columns edited again since), and where it applied a change as sent, the local row takes
     * that change's values ({@link RemoteApply#appliedAsSent}). The answer has one result per change, in the order
     * sent.
     */
    static Ack acknowledge(Connection c, String nodeId, List<RowChange> sent, List<ChangeResult> results,
                           RemoteApply apply) throws SQLException {
        long acknowledged = 0;
        long rejected = 0;
        Set<String> deferred = new HashSet<>();
        List<SyncConflict> conflicts = new ArrayList<>();
        Map<String, Set<String>> corrected = new LinkedHashMap<>();
        List<RowChange> settled = new ArrayList<>();
        List<PushedChange> answers = new ArrayList<>();
        String entry = " WHERE client_seq = ? AND ifnull(origin_node, '') = ?";
        try (PreparedStatement reject = c.prepareStatement("UPDATE sync_queue SET state = 'rejected', last_error = ?,"
                + " retry_count = retry_count + 1" + entry);
             PreparedStatement defer = c.prepareStatement("UPDATE sync_queue SET last_error = ?" + entry);
             PreparedStatement remove = c.prepareStatement("DELETE FROM sync_queue" + entry);
             PreparedStatement origin = c.prepareStatement("INSERT INTO peer_origins (node_id, acknowledged_seq)"
                     + " VALUES (?, ?) ON CONFLICT (node_id) DO UPDATE"
                     + " SET acknowledged_seq = max(acknowledged_seq, excluded.acknowledged_seq)")) {
            for (int i = 0; i < Math.min(sent.size(), results.size()); i++) {
                RowChange change = sent.get(i);
                ChangeResult result = results.get(i);
                if (result.clientSeq() != change.clientSeq()) {
                    continue; // not the answer to this change: ignore rather than guess
                }
                String relayed = change.nodeId().equals(nodeId) ? "" : change.nodeId();
                answers.add(answer(change, result, relayed));
                if (result.status() == ChangeStatus.DEFERRED) {
                    defer.setString(1, result.reason());
                    defer.setLong(2, change.clientSeq());
                    defer.setString(3, relayed);
                    defer.executeUpdate();
                    deferred.add(key(change));
                    continue;
                }
                if (!relayed.isEmpty()) {
                    origin.setString(1, relayed);
                    origin.setLong(2, change.clientSeq());
                    origin.executeUpdate();
                }
                if (result.status() == ChangeStatus.REJECTED) {
                    reject.setString(1, result.reason() == null ? "rejected by the server" : result.reason());
                    reject.setLong(2, change.clientSeq());
                    reject.setString(3, relayed);
                    reject.executeUpdate();
                    rejected++;
                    // a row the user may still see but not change this way (a view-only share): the answer carries
                    // the server's row, and the device takes it back; the entry stays rejected, to show the refusal
                    if (result.current() != null && apply.correct(change.table(), change.id(), result.current())) {
                        corrected.computeIfAbsent(change.table(), t -> new HashSet<>()).add(change.id());
                    }
                    continue;
                }
                remove.setLong(1, change.clientSeq());
                remove.setString(2, relayed);
                remove.executeUpdate();
                acknowledged++;
                settled.add(change);
                // a relay's answer carries the server's row even when it applied as sent: no conflict of this node's
                String outcome = relayed.isEmpty() || result.status() != ChangeStatus.APPLIED ? outcome(result) : null;
                boolean wrote;
                if (result.current() != null) {
                    wrote = apply.correct(change.table(), change.id(), result.current());
                } else {
                    // pulls do not send this node the change back, whether its own or relayed
                    wrote = result.status() == ChangeStatus.APPLIED && apply.appliedAsSent(change);
                }
                if (wrote) {
                    corrected.computeIfAbsent(change.table(), t -> new HashSet<>()).add(change.id());
                }
                if (outcome != null) {
                    conflicts.add(apply.recordConflict(change.table(), change.id(), apply.ruleFor(change), outcome,
                            null));
                }
            }
        }
        Set<String> waiting = waitingRows(c);
        for (RowChange change : settled) {
            if (!waiting.contains(NetChange.key(change.table(), change.id()))) {
                apply.markSynced(change.table(), change.id(), change.hlc());
            }
        }
        return new Ack(acknowledged, rejected, deferred, conflicts, corrected, answers);
    }

    /**
     * The report's word for the server's answer: its status, except that a change of this node applied only in part
     * (the answer carries the row) is {@code merged}. A relay's answer carries the row either way.
     */
    private static PushedChange answer(RowChange change, ChangeResult result, String relayed) {
        PushedChange.Status status = result.status() == ChangeStatus.APPLIED && relayed.isEmpty()
                && result.current() != null ? PushedChange.Status.MERGED
                : PushedChange.Status.valueOf(result.status().name());
        return new PushedChange(change.table(), change.id(), change.op(), change.clientSeq(),
                relayed.isEmpty() ? null : relayed, status, result.reason());
    }

    /** How the server settled a change against another's version: {@code null} when it simply applied. */
    private static String outcome(ChangeResult result) {
        switch (result.status()) {
            case SUPERSEDED:
                return "server";
            case CONFLICT_QUEUED:
                return "pending";
            default:
                return result.current() != null && result.status() == ChangeStatus.APPLIED ? "merged" : null;
        }
    }

    /** Rows with an outbox entry of any state. */
    static Set<String> waitingRows(Connection c) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT table_name, record_id FROM sync_queue")) {
            while (rs.next()) {
                keys.add(NetChange.key(rs.getString(1), rs.getString(2)));
            }
        }
        return keys;
    }

    /**
     * Entries not yet settled (pending and sending; this node's and relays) with {@code seq} above {@code after}, in
     * outbox order.
     */
    static List<Entry> unsettledAfter(Connection c, long after) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, operation, table_name, record_id, payload, changed,"
                + " hlc, basis, state, origin_node FROM sync_queue WHERE seq > ? AND state <> 'rejected' ORDER BY seq")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
        }
        return entries;
    }

    /**
     * A row's entries still waiting for the server's decision (pending, frozen in a batch, relays; not rejected ones),
     * in outbox order.
     */
    static List<Entry> waitingFor(Connection c, String table, String id) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, operation, table_name, record_id, payload, changed,"
                + " hlc, basis, state, origin_node FROM sync_queue WHERE table_name = ? AND record_id = ?"
                + " AND state <> 'rejected' ORDER BY seq")) {
            ps.setString(1, table);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
        }
        return entries;
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10));
    }

    /**
     * Every entry, or only the rejected ones, for the client API. A pending entry's payload is its changed columns'
     * values as the row holds them now (what would be sent); the entries in a batch carry what was sent.
     */
    public static List<OutboxEntry> list(Connection c, boolean rejectedOnly) throws SQLException {
        List<OutboxEntry> entries = new ArrayList<>();
        try (RowReader rows = new RowReader(c, Map.of());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, table_name, record_id, operation, payload, changed, hlc, state,"
                     + " retry_count, last_error, origin_node FROM sync_queue"
                     + (rejectedOnly ? " WHERE state = 'rejected'" : "")
                     + " ORDER BY seq")) {
            while (rs.next()) {
                String payload = rs.getString(5);
                NetChange net = new NetChange(rs.getString(2), rs.getString(3));
                net.add(rs.getLong(1), rs.getString(4), payload, rs.getString(6), rs.getString(7), null);
                if (net.needsRow() && rows.fill(net)) {
                    payload = Values.text(net.values);
                }
                entries.add(new OutboxEntry(rs.getLong(1), net.table, net.id, rs.getString(4), payload,
                        rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11)));
            }
        }
        return entries;
    }

    /**
     * Puts a rejected entry of this node back in line (it will be merged and sent again, under a new number). A
     * rejected relay cannot be: its number is its origin's, used up; only its origin can change the row again.
     */
    public static boolean retry(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_queue SET state = 'pending', client_seq = NULL"
                + " WHERE seq = ? AND state = 'rejected' AND origin_node IS NULL")) {
            ps.setLong(1, seq);
            return ps.executeUpdate() == 1;
        }
    }

    /** Drops a rejected entry for good; the local row keeps its values. */
    public static boolean discard(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_queue WHERE seq = ? AND state = 'rejected'")) {
            ps.setLong(1, seq);
            return ps.executeUpdate() == 1;
        }
    }
}
