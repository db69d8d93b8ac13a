package dev.mooring.server.internal;

import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * {@code mooring.rejected_changes}: the reason each rejected change was refused, by its origin node and sequence. A
 * push uses up the sequence of every change it answers, so a batch sent again because its answer was lost finds its
 * rejected changes among those the node already sent; they must be rejected again, with the same reason, not
 * answered {@code duplicate} (which tells the client the server has them, and the refusal would never be shown).
 * Static helpers; every method runs in the push's transaction.
 */
final class RejectedChanges {
    private RejectedChanges() {
    }

    /** Of the changes at {@code indexes} (sent before), those rejected then: index → the reason given. */
    static Map<Integer, String> of(Connection c, List<RowChange> changes, List<Integer> indexes) throws SQLException {
        Map<Integer, String> reasons = new HashMap<>();
        if (indexes.isEmpty()) {
            return reasons;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT r.node_id, r.client_seq, r.reason"
                + " FROM unnest(?::text[], ?::bigint[]) AS s(node_id, client_seq)"
                + " JOIN mooring.rejected_changes r USING (node_id, client_seq)")) {
            ps.setArray(1, c.createArrayOf("text", indexes.stream().map(i -> changes.get(i).nodeId()).toArray()));
            ps.setArray(2, c.createArrayOf("bigint", indexes.stream().map(i -> changes.get(i).clientSeq()).toArray()));
            Map<String, String> found = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1) + '\u0000' + rs.getLong(2), rs.getString(3));
                }
            }
            for (int i : indexes) {
                String reason = found.get(changes.get(i).nodeId() + '\u0000' + changes.get(i).clientSeq());
                if (reason != null) {
                    reasons.put(i, reason);
                }
            }
        }
        return reasons;
    }

    /**
     * Records the changes this push rejected whose sequence it used up ({@code usedUp}): not those answered from an
     * earlier push ({@code resent}).
     */
    static void remember(Connection c, List<RowChange> changes, ChangeResult[] results, List<Integer> resent,
                         IntPredicate usedUp) throws SQLException {
        Set<Integer> skip = new HashSet<>(resent);
        List<Integer> rejected = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            if (results[i] != null && results[i].status() == ChangeStatus.REJECTED && !skip.contains(i) && usedUp.test(i)) {
                rejected.add(i);
            }
        }
        if (rejected.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO mooring.rejected_changes (node_id, client_seq, reason)"
                + " SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[])"
                + " ON CONFLICT (node_id, client_seq) DO UPDATE SET reason = EXCLUDED.reason, rejected_at = now()")) {
            ps.setArray(1, c.createArrayOf("text", rejected.stream().map(i -> changes.get(i).nodeId()).toArray()));
            ps.setArray(2, c.createArrayOf("bigint", rejected.stream().map(i -> changes.get(i).clientSeq()).toArray()));
            ps.setArray(3, c.createArrayOf("text", rejected.stream().map(i -> results[i].reason()).toArray()));
            ps.executeUpdate();
        }
    }
}
