package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.ConflictRules;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.TableRules;
import dev.mooring.sync.client.SyncConflict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes what the server sent into local rows, inside the caller's transaction and with capture switched off.
 * A pulled change for a row with no local edit waiting is written as it is. A pulled change for a row with local
 * edits or relays not yet acknowledged is settled first with {@link ConflictRules}, exactly as the server will
 * settle them when they arrive (they were made without seeing this change): the local values that will win are
 * kept, the rest of the pulled change is written. Where the server decides against a local edit, its answer
 * carries its version of the row and {@link #correct} writes it. A row that moved out of the user's view is taken
 * off the device ({@link MovedOutRows}). Not thread-safe: one per sync.
 */
final class RemoteApply implements AutoCloseable {
    private static final Hlc ZERO = new Hlc(0, 0, "0");

    private final Connection c;
    private final Map<String, LocalTable> tables;
    private final Map<String, TableRules> rules;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final RowReader rows;
    private final Map<String, Map<List<String>, Shape>> shapes = new HashMap<>();
    /** Unsettled outbox entries by row, loaded incrementally: the app only adds entries while a sync runs. */
    private final Map<String, List<Outbox.Entry>> unsettled = new HashMap<>();
    private long loadedThrough;
    /**
     * This sync's conflicts, one per row: settling a pulled change against a local edit here and the server's answer
     * to that edit's push are one conflict (the server records it once); the answer, the later word, replaces.
     */
    private final Map<String, SyncConflict> conflicts = new LinkedHashMap<>();
    private final MovedOutRows movedOut;
    /** Rows removed since {@link #takeRemoved} was last called, by table. */
    private Map<String, Set<String>> removed = new LinkedHashMap<>();

    RemoteApply(Connection c, Map<String, LocalTable> tables, Map<String, TableRules> rules) {
        this.c = c;
        this.tables = tables;
        this.rules = rules;
        this.rows = new RowReader(c, tables);
        this.movedOut = new MovedOutRows(c, rows);
    }

    /** Conflicts recorded so far. */
    List<SyncConflict> conflicts() {
        return new ArrayList<>(conflicts.values());
    }

    /**
     * Applies a page of pulled changes. Returns the rows written, by table; the rows a remove took off the device
     * ({@link MovedOutRows}) are counted apart, see {@link #takeRemoved}.
     */
    Map<String, Set<String>> applyPage(List<PulledChange> changes, boolean bootstrap) throws SQLException {
        refreshUnsettled();
        Map<String, Set<String>> written = new LinkedHashMap<>();
        for (PulledChange change : changes) {
            LocalTable table = tables.get(change.table());
            if (table == null) {
                continue; // a table this client does not sync
            }
            if (change.op() == Operation.REMOVE) {
                if (movedOut.remove(table, change.id())) {
                    removed(table.name(), change.id());
                } else if (!movedOut.isBlocked(table.name(), change.id())) {
                    unsettled.remove(NetChange.key(change.table(), change.id())); // its changes are rejected now
                }
                continue;
            }
            movedOut.changed(change.table(), change.id());
            List<Outbox.Entry> local = unsettled.isEmpty() ? null
                    : unsettled.get(NetChange.key(change.table(), change.id()));
            boolean wrote = local == null ? write(table, change, bootstrap) : settle(table, change, local, bootstrap);
            if (wrote) {
                written.computeIfAbsent(change.table(), t -> new java.util.HashSet<>()).add(change.id());
            }
        }
        movedOut.retryBlocked().forEach((table, ids) -> ids.forEach(id -> removed(table, id)));
        return written;
    }

    /** The rows removed since the last call, by table (none when nothing moved out). */
    Map<String, Set<String>> takeRemoved() {
        Map<String, Set<String>> taken = removed;
        removed = new LinkedHashMap<>();
        return taken;
    }

    /** A row that moved out is gone: its waiting changes are rejected now, so nothing here waits for the server. */
    private void removed(String table, String id) {
        removed.computeIfAbsent(table, t -> new java.util.HashSet<>()).add(id);
        unsettled.remove(NetChange.key(table, id));
    }

    private void refreshUnsettled() throws SQLException {
        for (Outbox.Entry entry : Outbox.unsettledAfter(c, loadedThrough)) {
            unsettled.computeIfAbsent(NetChange.key(entry.table(), entry.id()), k -> new ArrayList<>()).add(entry);
            loadedThrough = Math.max(loadedThrough, entry.seq());
        }
    }

    /** A change for a row with no local edit waiting: written as it is, the row marked synced. */
    private boolean write(LocalTable table, PulledChange change, boolean bootstrap) throws SQLException {
        if (change.op() == Operation.DELETE) {
            PreparedStatement ps = statement("UPDATE " + Sql.quote(table.name()) + " SET deleted_at = coalesce(deleted_at,"
                    + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), sync_status = 'synced', last_modified = ? WHERE id = ?");
            ps.setString(1, change.hlc().toString());
            ps.setString(2, change.id());
            return ps.executeUpdate() > 0;
        }
        Shape shape = shape(table, change.values().keySet());
        if (bootstrap) {
            return insert(shape, change, true);
        }
        PreparedStatement update = statement(shape.update);
        int i = bindValues(update, shape.columns, change.values());
        update.setString(i++, change.hlc().toString());
        update.setString(i, change.id());
        return update.executeUpdate() > 0 || insert(shape, change, false);
    }

    /**
     * Inserts (or, for a bootstrap row, upserts) a pulled row. A change that cannot create the row — an update of a
     * row this client never received, lacking required columns — is passed over: there is nothing to update.
     */
    private boolean insert(Shape shape, PulledChange change, boolean upsert) throws SQLException {
        if (!shape.complete) {
            return false;
        }
        PreparedStatement ps = statement(upsert ? shape.upsert : shape.insert);
        int i = bindValues(ps, shape.columns, change.values());
        ps.setString(i++, change.hlc().toString());
        ps.setString(i, change.id());
        try {
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == 19) { // SQLITE_CONSTRAINT: the row cannot exist as the change has it
                return false;
            }
            throw e;
        }
    }

    /**
     * The statements that write one set of a table's columns, built once per set and sync rather than for every row:
     * a page brings thousands of rows with the same columns, and building the text row by row took about a fifth of
     * a bootstrap's time on the client.
     */
    private static final class Shape {
        final List<String> columns;
        /** Whether the columns can create a row: every NOT NULL column without a default is among them. */
        final boolean complete;
        final String update;
        final String insert;
        final String upsert;
        final String set;

        Shape(LocalTable table, List<String> columns) {
            this.columns = columns;
            this.complete = columns.containsAll(table.required().stream().filter(col -> !col.equals("id")).toList());
            String t = Sql.quote(table.name());
            this.update = "UPDATE " + t + " SET " + columns.stream().map(col -> Sql.quote(col) + " = ?, ")
                    .collect(Collectors.joining()) + "sync_status = 'synced', last_modified = ? WHERE id = ?";
            String names = columns.stream().map(col -> Sql.quote(col) + ", ").collect(Collectors.joining());
            this.insert = "INSERT INTO " + t + " (" + names + "sync_status, last_modified, id) VALUES ("
                    + "?, ".repeat(columns.size()) + "'synced', ?, ?)";
            this.upsert = insert + " ON CONFLICT (id) DO UPDATE SET " + columns.stream()
                    .map(col -> Sql.quote(col) + " = excluded." + Sql.quote(col) + ", ").collect(Collectors.joining())
                    + "sync_status = 'synced', last_modified = excluded.last_modified";
            this.set = "UPDATE " + t + " SET " + columns.stream().map(col -> Sql.quote(col) + " = ?")
                    .collect(Collectors.joining(", ")) + " WHERE id = ?";
        }
    }

    private Shape shape(LocalTable table, Set<String> names) {
        return shapes.computeIfAbsent(table.name(), t -> new HashMap<>())
                .computeIfAbsent(known(table, names), columns -> new Shape(table, columns));
    }

    /**
     * A pulled change meets changes in the outbox the server has not settled yet: this node's edits, and changes it
     * relays for other nodes. Each origin's are settled on their own with the shared rules, as the server will settle
     * each when it arrives (they were made without seeing this change); a column keeps its local value when any of
     * them wins it. A change is never judged against itself (a relay this node holds that reached the server from
     * its origin first).
     */
    private boolean settle(LocalTable table, PulledChange change, List<Outbox.Entry> entries, boolean bootstrap)
            throws SQLException {
        List<Outbox.Entry> local = others(change, entries);
        if (local.isEmpty() || rows.read(table.name(), change.id()) == null) {
            // nothing waits, or only relays for a row this node does not have yet: no local value to keep; the
            // relays' answers carry the server's row
            return write(table, change, bootstrap);
        }
        if (change.seq() != 0) {
            // kept in the cached entries themselves: a later pulled change of the row in this sync must find the
            // values kept, not read them again from the row this change is about to overwrite
            keepLocalValues(table, change.id(), entries);
            local = others(change, entries);
        }
        Map<String, NetChange> byOrigin = new LinkedHashMap<>();
        for (Outbox.Entry e : local) {
            byOrigin.computeIfAbsent(e.origin() == null ? "" : e.origin(), o -> new NetChange(table.name(), change.id()))
                    .add(e.seq(), e.operation(), e.payload(), e.state().equals("pending") ? e.changed() : null, e.hlc(),
                            e.basis());
        }
        if (change.seq() == 0) {
            // A copy of the row (a bootstrap, a row brought back), not a change: the times of its columns are not
            // known here, so it settles nothing. The local edits keep their columns, a local delete its tombstone;
            // the server judges them with the real times and answers with its row where they lose.
            Map<String, JsonNode> take = new LinkedHashMap<>(change.values());
            for (NetChange mine : byOrigin.values()) {
                take.keySet().removeAll(mine.columns());
                if (mine.operation.equals("delete")) {
                    take.remove(LocalSchema.TOMBSTONE);
                }
            }
            return writeColumns(table, change.id(), take);
        }
        boolean remoteDelete = change.op() == Operation.DELETE;
        JsonNode remoteTombstone = change.values().get(LocalSchema.TOMBSTONE);
        boolean tombstoned = remoteDelete || (remoteTombstone != null && !remoteTombstone.isNull());
        Map<String, Hlc> columnHlcs = new HashMap<>();
        change.values().keySet().forEach(col -> columnHlcs.put(col, change.hlc()));
        if (remoteDelete) {
            columnHlcs.put(LocalSchema.TOMBSTONE, change.hlc());
        }
        boolean wholeRow = remoteDelete || change.seq() == 0;
        ConflictRules.RowState server = new ConflictRules.RowState(true, tombstoned, change.values(), columnHlcs, ZERO,
                change.hlc(), new ConflictRules.Unseen(change.hlc(), change.originNode(),
                wholeRow ? null : change.values().keySet()));
        Map<String, JsonNode> take = new LinkedHashMap<>(change.values());
        boolean tombstone = remoteDelete;
        for (NetChange mine : byOrigin.values()) {
            ConflictRules.Decision decision = ConflictRules.decide(rules.getOrDefault(table.name(), TableRules.DEFAULT),
                    mine.wireOperation(), mine.values, mine.hlc, server);
            switch (decision.action()) {
                case UPDATE:
                    decision.columns().forEach(take::remove);
                    if (decision.revive()) {
                        take.remove(LocalSchema.TOMBSTONE);
                        tombstone = false;
                    }
                    break;
                case TOMBSTONE:
                    take.remove(LocalSchema.TOMBSTONE);
                    tombstone = false; // the local row is a tombstone already
                    break;
                default:
                    break; // the pulled change wins against this one whole
            }
            if (decision.conflict() != null) {
                recordConflict(table.name(), change.id(), decision.rule(), decision.conflict(), change.hlc());
            }
        }
        boolean wrote = writeColumns(table, change.id(), take);
        if (tombstone) {
            PreparedStatement ps = statement("UPDATE " + Sql.quote(table.name()) + " SET deleted_at = coalesce(deleted_at,"
                    + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) WHERE id = ?");
            ps.setString(1, change.id());
            wrote |= ps.executeUpdate() > 0;
        }
        return wrote;
    }

    /** The entries other than {@code change} itself (a relay this node holds that reached the server from its origin). */
    private static List<Outbox.Entry> others(PulledChange change, List<Outbox.Entry> entries) {
        List<Outbox.Entry> others = new ArrayList<>();
        for (Outbox.Entry e : entries) {
            if (!(change.originNode().equals(e.origin()) && change.hlc().toString().equals(e.hlc()))) {
                others.add(e);
            }
        }
        return others;
    }

    /**
     * Copies the row's values into its pending outbox entries, which hold none (see {@link NetChange}), before a
     * pulled change may overwrite them here: the push must still send what this node wrote, for the server to judge
     * with the real times, not what the pulled change put in its place. {@code local} (the sync's cached entries of
     * the row) is updated in place.
     */
    private void keepLocalValues(LocalTable table, String id, List<Outbox.Entry> local) throws SQLException {
        String row = null;
        PreparedStatement keep = null;
        for (int i = 0; i < local.size(); i++) {
            Outbox.Entry e = local.get(i);
            if (e.payload() != null || e.operation().equals("delete")) {
                continue;
            }
            if (row == null) {
                Map<String, JsonNode> values = rows.read(table.name(), id);
                if (values == null) {
                    return;
                }
                row = Values.text(values);
                keep = statement("UPDATE sync_queue SET payload = ? WHERE seq = ?");
            }
            keep.setString(1, row);
            keep.setLong(2, e.seq());
            keep.executeUpdate();
            local.set(i, new Outbox.Entry(e.seq(), e.operation(), e.table(), e.id(), row, e.changed(), e.hlc(),
                    e.basis(), e.state(), e.origin()));
        }
    }

    /**
     * Takes the server's version of a row whose pushed change did not apply as sent (or was relayed for another node),
     * except columns that changes still waiting in the outbox set: this node's edits made since, a batch frozen since,
     * relays. Those are still to be decided by the server, and one that applies as sent gets no row back. Returns
     * whether anything was written.
     */
    boolean correct(String tableName, String id, Map<String, JsonNode> current) throws SQLException {
        LocalTable table = tables.get(tableName);
        if (table == null) {
            return false;
        }
        Map<String, JsonNode> take = new LinkedHashMap<>(current);
        take.remove("id");
        if (rows.read(tableName, id) == null) {
            // a relay for a row this node never had: the server's row is all there is to know of it
            return write(table, new PulledChange(0, tableName, id, Operation.UPSERT, take, ZERO, "server"), true);
        }
        for (Outbox.Entry e : Outbox.waitingFor(c, tableName, id)) {
            NetChange waiting = new NetChange(tableName, id);
            waiting.add(e.seq(), e.operation(), e.payload(), e.state().equals("pending") ? e.changed() : null, e.hlc(),
                    e.basis());
            if (!waiting.operation.equals("update")) {
                return false; // deleted or re-created since: that change replaces the whole row anyway
            }
            waiting.columns().forEach(take::remove);
            // nor whether the row is deleted: an edit still to be pushed brings a deleted row back (update wins),
            // and the answer to it carries the server's row where it does not
            take.remove(LocalSchema.TOMBSTONE);
        }
        return writeColumns(table, id, take);
    }

    /**
     * A change (this node's or relayed) the server applied as sent, its answer without a row: the server's row now
     * holds the change's values and is live (an upsert), or is a tombstone (a delete). The local row is made so where
     * it is not, except for what changes still waiting in the outbox set. It can differ: a pulled or imported change
     * was settled here against this one by the times the nodes gave them, and the server, which clamps times too far
     * ahead of its own clock, can order the two the other way. Returns whether anything was written.
     */
    boolean appliedAsSent(dev.mooring.sync.RowChange change) throws SQLException {
        LocalTable table = tables.get(change.table());
        if (table == null) {
            return false;
        }
        if (change.op() == Operation.DELETE) {
            return tombstone(table, change.id());
        }
        Map<String, JsonNode> sent = new LinkedHashMap<>(change.values());
        sent.putIfAbsent(LocalSchema.TOMBSTONE, Values.JSON.nullNode());
        Map<String, JsonNode> here = rows.read(table.name(), change.id());
        if (here != null) {
            sent.entrySet().removeIf(column -> !here.containsKey(column.getKey())
                    || Values.sameValue(here.get(column.getKey()), column.getValue()));
            if (sent.isEmpty()) {
                return false; // as it should be: the common case
            }
        }
        return correct(change.table(), change.id(), sent);
    }

    /**
     * A delete the server applied: the row is a tombstone here too, unless an edit still waiting in the outbox brings
     * it back (its answer carries the server's row where it does not).
     */
    private boolean tombstone(LocalTable table, String id) throws SQLException {
        for (Outbox.Entry e : Outbox.waitingFor(c, table.name(), id)) {
            if (!e.operation().equals("delete")) {
                return false;
            }
        }
        PreparedStatement ps = statement("UPDATE " + Sql.quote(table.name()) + " SET deleted_at ="
                + " strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND deleted_at IS NULL");
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
    }

    void markSynced(String tableName, String id, Hlc hlc) throws SQLException {
        LocalTable table = tables.get(tableName);
        if (table == null) {
            return;
        }
        PreparedStatement ps = statement("UPDATE " + Sql.quote(table.name()) + " SET sync_status = 'synced',"
                + " last_modified = ? WHERE id = ?");
        ps.setString(1, hlc.toString());
        ps.setString(2, id);
        ps.executeUpdate();
        PreparedStatement status = statement("INSERT INTO record_sync_status (table_name, record_id, last_synced_at,"
                + " local_updated) VALUES (?, ?, ?, ?) ON CONFLICT (table_name, record_id) DO UPDATE SET"
                + " last_synced_at = excluded.last_synced_at, local_updated = excluded.local_updated");
        status.setString(1, tableName);
        status.setString(2, id);
        status.setString(3, Instant.now().toString());
        status.setString(4, hlc.toString());
        status.executeUpdate();
    }

    /**
     * The name of the rule the server applies to {@code change}: the table's delete policy for a delete or for an
     * edit of a deleted row, its conflict policy otherwise. The server's answer does not name it, but the rules are
     * the ones the handshake sent.
     */
    String ruleFor(dev.mooring.sync.RowChange change) {
        TableRules table = rules.getOrDefault(change.table(), TableRules.DEFAULT);
        return change.op() == Operation.DELETE ? table.deletePolicy().configName()
                : table.conflictPolicy().configName();
    }

    SyncConflict recordConflict(String table, String id, String rule, String result, Hlc serverTime)
            throws SQLException {
        Instant at = Instant.now();
        PreparedStatement ps = statement("INSERT INTO record_sync_status (table_name, record_id, server_updated,"
                + " conflict_rule, conflict_resolution, conflict_at) VALUES (?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (table_name, record_id) DO UPDATE SET server_updated = coalesce(excluded.server_updated,"
                + " server_updated), conflict_rule = excluded.conflict_rule,"
                + " conflict_resolution = excluded.conflict_resolution, conflict_at = excluded.conflict_at");
        ps.setString(1, table);
        ps.setString(2, id);
        ps.setString(3, serverTime == null ? null : serverTime.toString());
        ps.setString(4, rule);
        ps.setString(5, result);
        ps.setString(6, at.toString());
        ps.executeUpdate();
        SyncConflict conflict = new SyncConflict(table, id, rule, result, at);
        conflicts.put(NetChange.key(table, id), conflict);
        return conflict;
    }

    private boolean writeColumns(LocalTable table, String id, Map<String, JsonNode> values) throws SQLException {
        Shape shape = shape(table, values.keySet());
        if (shape.columns.isEmpty()) {
            return false;
        }
        PreparedStatement ps = statement(shape.set);
        int i = bindValues(ps, shape.columns, values);
        ps.setString(i, id);
        return ps.executeUpdate() > 0;
    }

    /** The columns of {@code names} the local table has, in table order; {@code id} excluded. */
    private static List<String> known(LocalTable table, Set<String> names) {
        List<String> columns = new ArrayList<>();
        for (String column : table.columns()) {
            if (!column.equals("id") && names.contains(column)) {
                columns.add(column);
            }
        }
        return columns;
    }

    private static int bindValues(PreparedStatement ps, List<String> columns, Map<String, JsonNode> values)
            throws SQLException {
        int i = 1;
        for (String column : columns) {
            Values.bind(ps, i++, values.get(column));
        }
        return i;
    }

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = c.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
        statements.clear();
        movedOut.close();
        rows.close();
    }
}
