package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes every live row of other users that one user may see by the read rules, as a pull sends it (the declared
 * columns only, where a table declares some), into a JSON object {@code {"<table>": [row, …], …}}: one key per
 * table with a read rule, in configuration order, rows in id order. Rows the user owns (by the table's owner column)
 * are left out: they are the user's own data, not data shared with them. Reads in the caller's transaction; rows
 * stream through a cursor when autocommit is off. Static helpers only.
 */
public final class SharedExport {
    /** Rows PostgreSQL sends per round trip: a cursor keeps a user who sees many rows out of memory. */
    private static final int FETCH_SIZE = 500;

    private SharedExport() {
    }

    /** Writes the object; returns the rows written per table, in the order written. */
    public static Map<String, Long> write(Connection c, TableCatalog catalog, String userId, JsonGenerator json)
            throws SQLException, IOException {
        Map<String, Long> rows = new LinkedHashMap<>();
        json.writeStartObject();
        for (TableAccess access : catalog.accessRules()) {
            if (access.shared()) {
                json.writeArrayFieldStart(access.table().sync().name());
                rows.put(access.table().sync().name(), writeRows(c, access, userId, json));
                json.writeEndArray();
            }
        }
        json.writeEndObject();
        return rows;
    }

    private static long writeRows(Connection c, TableAccess access, String userId, JsonGenerator json)
            throws SQLException, IOException {
        TableCatalog.Table table = access.table();
        TableAccess.Binds row = new TableAccess.Binds();
        TableAccess.Binds rule = new TableAccess.Binds();
        String sql = "SELECT " + access.rowJson("r", userId, row) + " FROM " + table.sqlName() + " r"
                + " WHERE r.deleted_at IS NULL"
                + " AND r." + TableCatalog.quote(table.sync().ownerColumn()) + "::text IS DISTINCT FROM ?"
                + " AND " + access.visible("r", TableAccess.Kind.READ, userId, rule, false)
                + " ORDER BY r.id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(FETCH_SIZE);
            int i = row.bind(ps, 1);
            ps.setString(i++, userId);
            rule.bind(ps, i);
            long count = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    json.writeRawValue(rs.getString(1));
                    count++;
                }
            }
            return count;
        }
    }
}
