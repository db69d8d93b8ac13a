package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.SyncConflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collection;
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
 * which go in a later batch. Stateless; every method works inside the caller's transaction.
 */
public final class Outbox {
    private Outbox() {
    }

    /** One outbox entry as stored. */
    record Entry(long seq, String operation, String table, String id, String payload, String changed, String hlc,
                 String basis, String state) {
    }

    /** Whether a prepared batch waits to be sent (from a sync that stopped after preparing it). */
    static boolean hasBatch(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM sync_queue WHERE state = 'sending')")) {
            return rs.next() && rs.getBoolean(1);
        }
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

    /** The prepared batch as the server receives it, in sequence order. */
    static List<RowChange> batch(Connection c, String nodeId) throws SQLException {
        List<RowChange> changes = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT operation, table_name, record_id, payload, hlc, basis, client_seq"
                     + " FROM sync_queue WHERE state = 'sending' ORDER BY client_seq")) {
            while (rs.next()) {
                NetChange net = new NetChange(rs.getString(2), rs.getString(3));
                net.add(0, rs.getString(1), rs.getString(4), null, rs.getString(5), rs.getString(6));
                changes.add(new RowChange(net.table, net.id, net.wireOperation(), net.values, net.hlc, nodeId,
                        rs.getLong(7), net.basis));
            }
        }
        return changes;
    }

    /** Counts a failed attempt to send the prepared batch. */
    static void sendFailed(Connection c, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_queue SET retry_count = retry_count + 1,"
                + " last_error = ? WHERE state = 'sending'")) {
            ps.setString(1, error);
            ps.executeUpdate();
        }
    }

    /** What recording the server's answer did. */
    record Ack(long acknowledged, long rejected, List<SyncConflict> conflicts, Map<String, Set<String>> corrected) {
    }

    /**
     * Records the server's answer to the batch: settled changes leave the outbox and their rows become
     * {@code synced} (unless newer edits wait); a rejected change stays, marked with the reason; where the server
     * kept its own version of a column, the local row takes it (except columns edited again since).
     */
    static Ack acknowledge(Connection c, List<RowChange> sent, List<ChangeResult> results, RemoteApply apply)
            throws SQLException {
        Map<Long, RowChange> bySeq = new HashMap<>();
        sent.forEach(change -> bySeq.put(change.clientSeq(), change));
        long acknowledged = 0;
        long rejected = 0;
        List<SyncConflict> conflicts = new ArrayList<>();
        Map<String, Set<String>> corrected = new LinkedHashMap<>();
        List<RowChange> settled = new ArrayList<>();
        try (PreparedStatement reject = c.prepareStatement("UPDATE sync_queue SET state = 'rejected', last_error = ?,"
                + " retry_count = retry_count + 1 WHERE client_seq = ?");
             PreparedStatement remove = c.prepareStatement("DELETE FROM sync_queue WHERE client_seq = ?")) {
            for (ChangeResult result : results) {
                RowChange change = bySeq.get(result.clientSeq());
                if (change == null) {
                    continue; // not one of ours: ignore rather than guess
                }
                if (result.status() == ChangeStatus.REJECTED) {
                    reject.setString(1, result.reason() == null ? "rejected by the server" : result.reason());
                    reject.setLong(2, result.clientSeq());
                    reject.executeUpdate();
                    rejected++;
                    continue;
                }
                remove.setLong(1, result.clientSeq());
                remove.executeUpdate();
                acknowledged++;
                settled.add(change);
                String outcome = outcome(result);
                if (result.current() != null) {
                    Map<String, JsonNode> current = result.current();
                    if (apply.correct(change.table(), change.id(), current)) {
                        corrected.computeIfAbsent(change.table(), t -> new HashSet<>()).add(change.id());
                    }
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
        return new Ack(acknowledged, rejected, conflicts, corrected);
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

    /** Entries not yet settled (pending and sending) with {@code seq} above {@code after}, in outbox order. */
    static List<Entry> unsettledAfter(Connection c, long after) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, operation, table_name, record_id, payload, changed,"
                + " hlc, basis, state FROM sync_queue WHERE seq > ? AND state <> 'rejected' ORDER BY seq")) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(entry(rs));
                }
            }
        }
        return entries;
    }

    /** A row's pending entries (edits not in any batch yet), in outbox order. */
    static List<Entry> pendingFor(Connection c, String table, String id) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, operation, table_name, record_id, payload, changed,"
                + " hlc, basis, state FROM sync_queue WHERE table_name = ? AND record_id = ? AND state = 'pending'"
                + " ORDER BY seq")) {
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
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
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
                     + " retry_count, last_error FROM sync_queue" + (rejectedOnly ? " WHERE state = 'rejected'" : "")
                     + " ORDER BY seq")) {
            while (rs.next()) {
                String payload = rs.getString(5);
                NetChange net = new NetChange(rs.getString(2), rs.getString(3));
                net.add(rs.getLong(1), rs.getString(4), payload, rs.getString(6), rs.getString(7), null);
                if (net.needsRow() && rows.fill(net)) {
                    payload = Values.text(net.values);
                }
                entries.add(new OutboxEntry(rs.getLong(1), net.table, net.id, rs.getString(4), payload,
                        rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10)));
            }
        }
        return entries;
    }

    /** Puts a rejected entry back in line (it will be merged and sent again, under a new number). */
    public static boolean retry(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sync_queue SET state = 'pending', client_seq = NULL"
                + " WHERE seq = ? AND state = 'rejected'")) {
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
