package dev.mooring.sync.client.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The generated SQLite triggers that put every local write of a synced table into the outbox, so applications
 * write plain SQL through any connection. Each write ticks the hybrid logical clock kept in {@code sync_state}
 * (the same algorithm as {@code HybridClock.now}, in SQL) and records the change with that time and the pull cursor
 * the client had then (its basis: what it had seen). Nothing is captured while {@code sync_state.applying} is set,
 * which the sync engine does, inside its own transaction, while it writes what it pulled.
 *
 * <ul>
 *   <li>INSERT: an entry naming the row. Its {@code sync_status} defaults to {@code pending_upload}, so no second
 *       write.</li>
 *   <li>UPDATE that changes an application column: an entry with the list of changed columns, and the row's status
 *       becomes pending (one more write only when it was {@code synced}).</li>
 *   <li>DELETE becomes a tombstone: the row stays with {@code deleted_at} set and status {@code pending_delete},
 *       and the statement itself is cancelled ({@code RAISE(IGNORE)}), so it reports no rows changed.</li>
 *   <li>Changing a row's {@code id} is refused: ids are what the server and other clients know the row by.</li>
 * </ul>
 * The entries hold no values: the row holds them, and the push reads them when it freezes a batch (see
 * {@link NetChange}), so a capture does not serialise the row it follows.
 */
final class CaptureTriggers {
    private static final String[] KINDS = {"insert", "update", "delete", "id"};
    /**
     * The wall clock in milliseconds since 1970, with the test offset: from {@code julianday('now')}, which every
     * SQLite has ({@code unixepoch('subsec')} needs 3.42 and is NULL before it, which stopped the clock). SQLite keeps
     * 'now' in whole milliseconds and the same within one statement, so rounding gives exactly that millisecond.
     */
    private static final String WALL_MS =
            "(CAST(round((julianday('now') - 2440587.5) * 86400000.0) AS INTEGER) + clock_offset_ms)";
    /**
     * Advances the clock: max(wall clock, last time), the counter orders writes within one millisecond. A plain
     * UPDATE of the one row, no UPDATE … FROM (SQLite 3.33), so it runs on {@link SqliteVersion#OLDEST}.
     */
    static final String TICK = "UPDATE sync_state SET"
            + " counter = CASE WHEN " + WALL_MS + " > physical_ms OR counter >= 99999 THEN 0 ELSE counter + 1 END,"
            + " physical_ms = CASE WHEN " + WALL_MS + " > physical_ms THEN " + WALL_MS
            + " WHEN counter >= 99999 THEN physical_ms + 1 ELSE physical_ms END";
    static final String HLC = "printf('%015d-%05d-%s', physical_ms, counter, node_id)";

    private CaptureTriggers() {
    }

    static void create(Connection c, LocalTable table) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements(table)) {
                s.execute(sql);
            }
        }
    }

    /** The CREATE TRIGGER statements for {@code table}, in {@link #KINDS} order. */
    private static List<String> statements(LocalTable table) {
        String t = Sql.quote(table.name());
        String name = Sql.literal(table.name());
        String notApplying = "(SELECT applying FROM sync_state) = 0";
        String changedTest = table.columns().stream().filter(col -> !col.equals("id"))
                .map(col -> "NEW." + Sql.quote(col) + " IS NOT OLD." + Sql.quote(col))
                .collect(Collectors.joining(" OR "));
        // a JSON array of the changed columns, e.g. ["title","notes"]; names are JSON-escaped once, here
        String changedList = "'[' || substr(" + table.columns().stream().filter(col -> !col.equals("id"))
                .map(col -> "CASE WHEN NEW." + Sql.quote(col) + " IS NOT OLD." + Sql.quote(col) + " THEN "
                        + Sql.literal("," + jsonString(col)) + " ELSE '' END")
                .collect(Collectors.joining(" || ")) + ", 2) || ']'";
        String status = "CASE WHEN NEW.deleted_at IS NULL THEN 'pending_upload' ELSE 'pending_delete' END";
        return List.of(
                "CREATE TRIGGER " + trigger(table.name(), "insert") + " AFTER INSERT ON " + t
                        + " WHEN " + notApplying + " AND NEW.sync_status = 'pending_upload' BEGIN "
                        + TICK + "; "
                        + "INSERT INTO sync_queue (operation, table_name, record_id, hlc, basis)"
                        + " SELECT 'insert', " + name + ", CAST(NEW.id AS TEXT), " + HLC
                        + ", cursor FROM sync_state; END",
                "CREATE TRIGGER " + trigger(table.name(), "update") + " AFTER UPDATE ON " + t
                        + " WHEN " + notApplying + " AND (" + (changedTest.isEmpty() ? "0" : changedTest) + ") BEGIN "
                        + TICK + "; "
                        + "INSERT INTO sync_queue (operation, table_name, record_id, changed, hlc, basis)"
                        + " SELECT 'update', " + name + ", CAST(NEW.id AS TEXT), " + changedList + ", " + HLC
                        + ", cursor FROM sync_state; "
                        + "UPDATE " + t + " SET sync_status = " + status + " WHERE id = NEW.id AND sync_status IS NOT "
                        + status + "; END",
                "CREATE TRIGGER " + trigger(table.name(), "delete") + " BEFORE DELETE ON " + t
                        + " WHEN " + notApplying + " BEGIN "
                        // the tombstone is the sync's own write, not a second change to capture
                        + "UPDATE sync_state SET applying = 1; "
                        + "UPDATE " + t + " SET deleted_at = coalesce(deleted_at, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),"
                        + " sync_status = 'pending_delete' WHERE id = OLD.id; "
                        + "UPDATE sync_state SET applying = 0; "
                        + TICK + "; "
                        + "INSERT INTO sync_queue (operation, table_name, record_id, hlc, basis)"
                        + " SELECT 'delete', " + name + ", CAST(OLD.id AS TEXT), " + HLC + ", cursor FROM sync_state; "
                        + "SELECT RAISE(IGNORE); END",
                "CREATE TRIGGER " + trigger(table.name(), "id") + " BEFORE UPDATE OF id ON " + t
                        + " WHEN NEW.id IS NOT OLD.id BEGIN SELECT RAISE(ABORT, "
                        + Sql.literal("the id of a synced row cannot change (table " + table.name() + "): insert a new"
                        + " row and delete the old one") + "); END");
    }

    /** {@code json_object(...)} of the application's columns of a row of {@code table}. */
    static String jsonOf(LocalTable table) {
        return "json_object(" + table.columns().stream()
                .map(col -> Sql.literal(col) + ", " + Sql.quote(col))
                .collect(Collectors.joining(", ")) + ")";
    }

    /** Whether {@code table} has this version's triggers, exactly (an older version's are replaced on open). */
    static boolean current(Connection c, LocalTable table) throws SQLException {
        List<String> expected = statements(table);
        try (PreparedStatement ps = c.prepareStatement("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                + " AND tbl_name = ? AND name = ?")) {
            for (int i = 0; i < KINDS.length; i++) {
                ps.setString(1, table.name());
                ps.setString(2, "mooring_" + table.name() + "_" + KINDS[i]);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !expected.get(i).equals(rs.getString(1))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static void drop(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String kind : KINDS) {
                s.execute("DROP TRIGGER IF EXISTS " + trigger(table, kind));
            }
        }
    }

    private static String trigger(String table, String kind) {
        return Sql.quote("mooring_" + table + "_" + kind);
    }

    private static String jsonString(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
