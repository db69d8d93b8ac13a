package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Takes off the device the rows the server says moved out of what the user may read (a pulled
 * {@link dev.mooring.sync.Operation#REMOVE}): each is deleted outright, no tombstone, inside the caller's transaction
 * with capture off, so nothing reaches the outbox. Changes of the row still waiting for the server become rejected
 * outbox entries with {@link #reason}, as if the server had refused them (it would: the user may no longer see the
 * row), and keep the values they would have sent, so the user sees what was refused until they discard it (a retry
 * sends it, and the server refuses it again with its own reason).
 *
 * <p>Where the database enforces foreign keys, removing a row that other rows reference with {@code ON DELETE
 * CASCADE} removes them too; a reference without cascade refuses the delete. The server removes the referencing
 * rows as well, possibly later in the page or in a later page, so a refused remove is put aside and tried again after
 * each page of the sync ({@link #retryBlocked}) until it goes; a later change of the row (it moved back in) cancels
 * it. Not thread-safe: one per sync, owned by {@link RemoteApply}.
 */
final class MovedOutRows implements AutoCloseable {
    private static final int SQLITE_CONSTRAINT = 19;

    private final Connection c;
    private final RowReader rows;
    private final Map<String, PreparedStatement> deletes = new HashMap<>();
    private PreparedStatement reject;
    /** Removes a foreign key refused, by row ({@link NetChange#key}), in the order they came. */
    private final Map<String, Blocked> blocked = new LinkedHashMap<>();

    private record Blocked(LocalTable table, String id) {
    }

    MovedOutRows(Connection c, RowReader rows) {
        this.c = c;
        this.rows = rows;
    }

    /** The reason a waiting change of a row that moved out is rejected with: what the user reads in sync status. */
    static String reason(String table, String id) {
        return "row " + id + " of " + table + " is no longer shared with you (it moved out of what your user may"
                + " see); your edit was not applied";
    }

    /**
     * Removes the row. Returns whether it was here and is gone now; {@code false} for a row this device does not
     * have, and for one a foreign key keeps for now ({@link #isBlocked}).
     */
    boolean remove(LocalTable table, String id) throws SQLException {
        String key = NetChange.key(table.name(), id);
        blocked.remove(key);
        Attempt attempt = attempt(table, id);
        if (attempt == Attempt.REFUSED) {
            blocked.put(key, new Blocked(table, id));
        }
        return attempt == Attempt.REMOVED;
    }

    /** Whether a foreign key refused the remove of this row, and it waits to be tried again. */
    boolean isBlocked(String table, String id) {
        return !blocked.isEmpty() && blocked.containsKey(NetChange.key(table, id));
    }

    /** A change of the row came after its remove (it moved back in): the remove put aside is not tried again. */
    void changed(String table, String id) {
        if (!blocked.isEmpty()) {
            blocked.remove(NetChange.key(table, id));
        }
    }

    /**
     * Tries each remove put aside once more, now that the page's other removes ran. Returns the rows removed, by
     * table; those still refused wait for the next page.
     */
    Map<String, Set<String>> retryBlocked() throws SQLException {
        Map<String, Set<String>> removed = new LinkedHashMap<>();
        for (Iterator<Blocked> it = blocked.values().iterator(); it.hasNext(); ) {
            Blocked next = it.next();
            Attempt attempt = attempt(next.table(), next.id());
            if (attempt != Attempt.REFUSED) {
                it.remove();
            }
            if (attempt == Attempt.REMOVED) {
                removed.computeIfAbsent(next.table().name(), t -> new HashSet<>()).add(next.id());
            }
        }
        return removed;
    }

    private enum Attempt { REMOVED, ABSENT, REFUSED }

    /** Deletes the row if it is here and rejects its waiting changes, unless a foreign key refuses the delete. */
    private Attempt attempt(LocalTable table, String id) throws SQLException {
        Map<String, JsonNode> row = rows.read(table.name(), id);
        if (row != null && !delete(table, id)) {
            return Attempt.REFUSED;
        }
        // a row already gone (removed with a parent by a cascade) may still have changes waiting: refused all the same
        rejectWaiting(table.name(), id, row == null ? null : Values.text(row));
        return row == null ? Attempt.ABSENT : Attempt.REMOVED;
    }

    /**
     * Rejects the row's changes still waiting for the server (this node's and relays) without sending them, in the
     * state a server's rejection leaves ({@link Outbox#acknowledge}): kept until discarded or retried. A pending change
     * holds no values (see {@link NetChange}); it first takes them from {@code row}, the row as it was (JSON; null
     * when it is not here), so it still shows what it would have sent, and a retry sends that.
     */
    private void rejectWaiting(String table, String id, String row) throws SQLException {
        if (reject == null) {
            reject = c.prepareStatement("UPDATE sync_queue SET state = 'rejected', last_error = ?, payload = CASE"
                    + " WHEN payload IS NULL AND operation <> 'delete' THEN ? ELSE payload END"
                    + " WHERE table_name = ? AND record_id = ? AND state <> 'rejected'");
        }
        reject.setString(1, reason(table, id));
        reject.setString(2, row);
        reject.setString(3, table);
        reject.setString(4, id);
        reject.executeUpdate();
    }

    /** Deletes the row; {@code false} when a constraint (a foreign key) refuses it, which leaves the row as it was. */
    private boolean delete(LocalTable table, String id) throws SQLException {
        PreparedStatement ps = deletes.get(table.name());
        if (ps == null) {
            ps = c.prepareStatement("DELETE FROM " + Sql.quote(table.name()) + " WHERE id = ?");
            deletes.put(table.name(), ps);
        }
        ps.setString(1, id);
        try {
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLITE_CONSTRAINT) {
                return false; // SQLite undid this statement only; the transaction goes on
            }
            throw e;
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : deletes.values()) {
            ps.close();
        }
        deletes.clear();
        if (reject != null) {
            reject.close();
            reject = null;
        }
    }
}
