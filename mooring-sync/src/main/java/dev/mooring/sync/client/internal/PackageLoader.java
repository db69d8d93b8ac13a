package dev.mooring.sync.client.internal;

import dev.mooring.sync.Hlc;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes one table of a verified data package into the client's table, inside the caller's transaction with capture
 * switched off, as synced rows ({@code sync_status} 'synced', {@code last_modified} the row's version). A package row
 * never replaces a local row with edits not yet pushed, nor a synced version as new as its own or newer (a package
 * cut before this client's last pull is older than what it holds); a tombstone creates nothing. Only the columns
 * both sides have are written. Not thread-safe: one per table and import.
 */
final class PackageLoader {
    /** What loading one table did. */
    record Outcome(long written, long keptLocal, long alreadyNewer, long notWritten, List<String> dropped, Hlc newest) {
    }

    /** The version of a row nothing stamped (it predates sync on the server): older than any real change. */
    private static final Hlc UNSTAMPED = new Hlc(0, 0, "server");

    private PackageLoader() {
    }

    static Outcome load(Connection c, Connection pkg, LocalTable local, PackageManifest.Table table) throws SQLException {
        List<String> columns = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (String column : table.columns()) {
            (local.columns().contains(column) ? columns : dropped).add(column);
        }
        String name = Sql.quote(local.name());
        Set<String> pending = pending(c, local.name());
        boolean empty = isEmpty(c, name);
        int tombstone = columns.indexOf(LocalSchema.TOMBSTONE);
        long written = 0;
        long keptLocal = 0;
        long newer = 0;
        long refused = 0;
        Hlc newest = null;
        try (PreparedStatement read = pkg.prepareStatement("SELECT v.hlc, " + columns.stream()
                .map(col -> "t." + Sql.quote(col)).collect(Collectors.joining(", ")) + " FROM " + name + " t LEFT JOIN "
                + PackageFile.ROW_VERSIONS + " v ON v.table_name = ? AND v.id = t.id");
             PreparedStatement state = c.prepareStatement("SELECT sync_status, last_modified FROM " + name
                     + " WHERE id = ?");
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + name + " (" + columns.stream()
                     .map(Sql::quote).collect(Collectors.joining(", ")) + ", sync_status, last_modified) VALUES ("
                     + "?, ".repeat(columns.size()) + "'synced', ?)");
             PreparedStatement update = c.prepareStatement("UPDATE " + name + " SET " + columns.stream()
                     .filter(col -> !col.equals("id")).map(col -> Sql.quote(col) + " = ?, ")
                     .collect(Collectors.joining()) + "sync_status = 'synced', last_modified = ? WHERE id = ?")) {
            read.setString(1, table.name());
            try (ResultSet rows = read.executeQuery()) {
                while (rows.next()) {
                    Hlc version = rows.getString(1) == null ? UNSTAMPED : Hlc.parse(rows.getString(1));
                    newest = newest == null || version.compareTo(newest) > 0 ? version : newest;
                    String id = rows.getString(2 + columns.indexOf("id"));
                    LocalRow here = empty ? null : LocalRow.find(state, id);
                    if (here == null) {
                        if (tombstone >= 0 && rows.getObject(2 + tombstone) != null) {
                            continue; // nothing here to delete, and no use for a tombstone
                        }
                        if (insert(insert, rows, columns, version)) {
                            written++;
                        } else {
                            refused++;
                        }
                    } else if (!here.synced() || pending.contains(id)) {
                        keptLocal++;
                    } else if (here.asNewAs(version)) {
                        newer++;
                    } else {
                        bindUpdate(update, rows, columns, version, id);
                        update.executeUpdate();
                        written++;
                    }
                }
            }
        }
        return new Outcome(written, keptLocal, newer, refused, dropped, newest);
    }

    /** A local row's sync status and the version it last synced at ({@code null}: none). */
    private record LocalRow(String status, String lastModified) {
        static LocalRow find(PreparedStatement state, String id) throws SQLException {
            state.setString(1, id);
            try (ResultSet rs = state.executeQuery()) {
                return rs.next() ? new LocalRow(rs.getString(1), rs.getString(2)) : null;
            }
        }

        boolean synced() {
            return "synced".equals(status);
        }

        boolean asNewAs(Hlc version) {
            return lastModified != null && Hlc.parse(lastModified).compareTo(version) >= 0;
        }
    }

    private static boolean insert(PreparedStatement insert, ResultSet rows, List<String> columns, Hlc version)
            throws SQLException {
        for (int i = 0; i < columns.size(); i++) {
            insert.setObject(i + 1, rows.getObject(i + 2));
        }
        insert.setString(columns.size() + 1, version.toString());
        try {
            return insert.executeUpdate() > 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == 19) { // SQLITE_CONSTRAINT: this client's table cannot hold the row as it is
                return false;
            }
            throw e;
        }
    }

    private static void bindUpdate(PreparedStatement update, ResultSet rows, List<String> columns, Hlc version, String id)
            throws SQLException {
        int p = 1;
        for (int i = 0; i < columns.size(); i++) {
            if (!columns.get(i).equals("id")) {
                update.setObject(p++, rows.getObject(i + 2));
            }
        }
        update.setString(p++, version.toString());
        update.setString(p, id);
    }

    /** Rows of {@code table} with outbox entries: local edits the server has not settled. */
    private static Set<String> pending(Connection c, String table) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT record_id FROM sync_queue WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private static boolean isEmpty(Connection c, String quotedTable) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + quotedTable + ")")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
