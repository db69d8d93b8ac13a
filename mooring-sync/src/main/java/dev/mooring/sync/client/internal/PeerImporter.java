package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.CursorPosition;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerRow;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.client.PeerImportResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Takes a peer's {@link PeerChanges} into this database, in one transaction with capture off, after checking that
 * the peer is another device of this database's user (both must have synced with the server once, which names the
 * user). Then:
 * <ul>
 *   <li>each change of another node is kept in the outbox as a relay for the server ({@link Outbox#relay}) and
 *       applied here as a pulled change would be (a column with a local edit not yet acknowledged keeps the local
 *       value if the rules say so; the server decides for good when the relay reaches it). A change this database
 *       holds already, or whose origin the server acknowledged through it, or of this node itself, is passed over;
 *       so importing the same changes twice changes nothing;</li>
 *   <li>each synced row of the peer is written as synced state (never pushed: the server has it) where that cannot
 *       go back on anything this database has: the peer had pulled at least as far as this database (both have
 *       pulled since their bootstrap), and the row is missing here (a missing tombstone is not created) or synced
 *       here with nothing waiting and never pushed by this node. The next pull from the server then brings every
 *       later change again, so no order of peer and server syncs loses one;</li>
 *   <li>values for tables and columns this database does not have yet go to {@link PeerPending}.</li>
 * </ul>
 * Stateless.
 */
public final class PeerImporter {
    private PeerImporter() {
    }

    /** What one import did, with the rows it wrote for the listeners. */
    public record Outcome(PeerImportResult result, Map<String, Set<String>> written) {
    }

    /**
     * @param schemaVersion this database's client schema version
     * @param gapLimit      the schema version gap above which the result recommends a full resync
     * @throws MooringException {@code PEER_REFUSED} when the changes come from this database itself, from another
     *                          user's device, or when either side's user is not known; nothing changed
     */
    public static Outcome run(Connection c, Map<String, LocalTable> tables, String schemaVersion, int gapLimit,
                              PeerChanges in) throws SQLException {
        String me = ClientState.nodeId(c);
        refuseStranger(c, me, in);
        List<String> warnings = new ArrayList<>();
        SchemaGap.warning(schemaVersion, in.from().schemaVersion(), gapLimit).ifPresent(warnings::add);
        return Transactions.immediate(c, () -> {
            ClientState.applying(c, true);
            Counts counts = new Counts();
            Map<String, Set<String>> written;
            try (RemoteApply apply = new RemoteApply(c, tables, Map.of())) {
                List<PulledChange> relayed = relays(c, tables, me, in, counts);
                written = apply.applyPage(relayed, false);
                markRelayed(c, tables, relayed, written);
                List<PulledChange> rows = rows(c, tables, in, counts);
                apply.applyPage(rows, true).forEach((table, ids) ->
                        written.computeIfAbsent(table, t -> new HashSet<>()).addAll(ids));
            }
            Hlc newest = null;
            for (RowChange change : in.changes()) {
                newest = newest == null || change.hlc().compareTo(newest) > 0 ? change.hlc() : newest;
            }
            if (newest != null) {
                ClientState.receive(c, newest); // later local edits are stamped after every change seen here
            }
            ClientState.applying(c, false);
            long rows = written.values().stream().mapToLong(Set::size).sum();
            return new Outcome(new PeerImportResult(in.from().nodeId(), counts.relays, counts.known, rows,
                    counts.keptLocal, counts.later, warnings), written);
        });
    }

    private static final class Counts {
        long relays;
        long known;
        long keptLocal;
        long later;
    }

    private static void refuseStranger(Connection c, String me, PeerChanges in) throws SQLException {
        String user = ClientState.userId(c);
        String from = in.from().nodeId();
        String problem = null;
        if (from.equals(me)) {
            problem = "they were exported by this database itself (node " + me + ")";
        } else if (user == null) {
            problem = "this database has never synced with the server, so its user is not known; peers exchange"
                    + " changes only between devices of the same user. Sync once, then import";
        } else if (in.from().userId() == null) {
            problem = "node " + from + " has never synced with the server, so its user is not known; peers exchange"
                    + " changes only between devices of the same user. Sync it once, then export again";
        } else if (!user.equals(in.from().userId())) {
            problem = "they come from node " + from + " of another user; peers exchange changes only between devices"
                    + " of the same user";
        }
        if (problem != null) {
            throw new MooringException(ErrorCode.PEER_REFUSED, "The peer's changes were not imported: " + problem
                    + ". Nothing was changed.");
        }
    }

    /** Keeps other nodes' new changes as relays and returns them as pulled changes to apply here. */
    private static List<PulledChange> relays(Connection c, Map<String, LocalTable> tables, String me, PeerChanges in,
                                             Counts counts) throws SQLException {
        List<PulledChange> apply = new ArrayList<>();
        for (RowChange change : in.changes()) {
            if (change.nodeId().equals(me) || !Outbox.relay(c, change)) {
                counts.known++;
                continue;
            }
            counts.relays++;
            LocalTable table = tables.get(change.table());
            Map<String, JsonNode> known = split(table, change.values());
            Map<String, JsonNode> unknown = new LinkedHashMap<>(change.values());
            unknown.keySet().removeAll(known.keySet());
            unknown.remove("id");
            if (table == null) {
                PeerPending.keep(c, change.op() == Operation.DELETE ? PeerPending.Kind.DELETE : PeerPending.Kind.CHANGE,
                        change.table(), change.id(), unknown, change.hlc(), change.nodeId());
                counts.later++;
                continue;
            }
            if (!unknown.isEmpty()) {
                PeerPending.keep(c, PeerPending.Kind.CHANGE, change.table(), change.id(), unknown, change.hlc(),
                        change.nodeId());
                counts.later++;
            }
            // its number in its origin's outbox orders nothing here: any non-zero number marks a change, not a copy
            apply.add(new PulledChange(change.clientSeq(), change.table(), change.id(), change.op(), known,
                    change.hlc(), change.nodeId()));
        }
        return apply;
    }

    /** Rows a relay wrote hold a change the server has not acknowledged: they are not synced. */
    private static void markRelayed(Connection c, Map<String, LocalTable> tables, List<PulledChange> relayed,
                                    Map<String, Set<String>> written) throws SQLException {
        for (PulledChange change : relayed) {
            if (!written.getOrDefault(change.table(), Set.of()).contains(change.id())) {
                continue;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + Sql.quote(tables.get(change.table()).name())
                    + " SET " + LocalSchema.STATUS + " = CASE WHEN " + LocalSchema.TOMBSTONE + " IS NULL"
                    + " THEN 'pending_upload' ELSE 'pending_delete' END WHERE id = ?")) {
                ps.setString(1, change.id());
                ps.executeUpdate();
            }
        }
    }

    /** The peer's synced rows that can be taken here (see the class comment), as copies to write. */
    private static List<PulledChange> rows(Connection c, Map<String, LocalTable> tables, PeerChanges in, Counts counts)
            throws SQLException {
        Optional<CursorPosition> mine = position(ClientState.cursor(c));
        Optional<CursorPosition> theirs = position(in.cursor());
        boolean peerAhead = mine.isPresent() && theirs.isPresent() && theirs.get().compareTo(mine.get()) >= 0;
        List<PulledChange> take = new ArrayList<>();
        for (PeerRow row : in.rows()) {
            LocalTable table = tables.get(row.table());
            Map<String, JsonNode> known = split(table, row.values());
            Map<String, JsonNode> unknown = new LinkedHashMap<>(row.values());
            unknown.keySet().removeAll(known.keySet());
            Here here = table == null ? null : Here.find(c, table, row.id());
            if (here != null && row.lastModified().toString().equals(here.lastModified())) {
                counts.known++; // the very version this database has
                continue;
            }
            if (!peerAhead || (here != null && !here.untouched())) {
                counts.keptLocal++;
                continue;
            }
            if (!unknown.isEmpty()) {
                PeerPending.keep(c, PeerPending.Kind.ROW, row.table(), row.id(), unknown, row.lastModified(), "server");
                counts.later++;
            }
            JsonNode tombstone = row.values().get(LocalSchema.TOMBSTONE);
            if (table == null || (here == null && tombstone != null && !tombstone.isNull())) {
                continue; // nothing here to delete, and no use for a tombstone
            }
            take.add(new PulledChange(0, row.table(), row.id(), Operation.UPSERT, known, row.lastModified(), "server"));
        }
        return take;
    }

    /** A local row as the import judges it. */
    private record Here(String status, String lastModified, boolean waiting, boolean pushedHere) {
        static Here find(Connection c, LocalTable table, String id) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + LocalSchema.STATUS + ", "
                    + LocalSchema.LAST_MODIFIED + ", EXISTS (SELECT 1 FROM sync_queue q WHERE q.table_name = ?"
                    + " AND q.record_id = ?), EXISTS (SELECT 1 FROM record_sync_status r WHERE r.table_name = ?"
                    + " AND r.record_id = ? AND r.local_updated IS NOT NULL) FROM " + Sql.quote(table.name())
                    + " WHERE id = ?")) {
                ps.setString(1, table.name());
                ps.setString(2, id);
                ps.setString(3, table.name());
                ps.setString(4, id);
                ps.setString(5, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Here(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4))
                            : null;
                }
            }
        }

        /**
         * Synced, nothing waiting, and never pushed from here: its version is the server's as of this database's
         * cursor. A row this node pushed holds the server's version of a later moment, which a peer behind that
         * moment would undo without this database ever pulling it again (a node is not sent its own changes).
         */
        boolean untouched() {
            return "synced".equals(status) && !waiting && !pushedHere;
        }
    }

    private static Optional<CursorPosition> position(String cursor) {
        try {
            return CursorPosition.parse(cursor);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The values of columns {@code table} has; {@code id} left out. Empty when the table is not synced here. */
    private static Map<String, JsonNode> split(LocalTable table, Map<String, JsonNode> values) {
        Map<String, JsonNode> known = new LinkedHashMap<>();
        if (table != null) {
            values.forEach((col, value) -> {
                if (table.columns().contains(col) && !col.equals("id")) {
                    known.put(col, value);
                }
            });
        }
        return known;
    }
}
