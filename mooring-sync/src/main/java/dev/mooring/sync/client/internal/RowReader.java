package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads local rows by id as JSON objects of their application columns, with one prepared statement per table: the
 * values of pending edits, which the outbox does not copy (see {@link NetChange}). Works inside the caller's
 * transaction; not thread-safe; close it to release its statements.
 */
final class RowReader implements AutoCloseable {
    private final Connection c;
    private final Map<String, LocalTable> tables;
    private final Map<String, PreparedStatement> reads = new HashMap<>();

    /** {@code tables}: the synced tables as known; others are described on first use. */
    RowReader(Connection c, Map<String, LocalTable> tables) {
        this.c = c;
        this.tables = new HashMap<>(tables);
    }

    /**
     * Reads the values {@code net} still lacks from its row. Returns false when there is no such row (or table) any
     * more, so nothing to send.
     */
    boolean fill(NetChange net) throws SQLException {
        if (!net.needsRow()) {
            return true;
        }
        Map<String, JsonNode> row = read(net.table, net.id);
        if (row == null) {
            return false;
        }
        net.fill(row);
        return true;
    }

    /** The row, or null when the table or the row does not exist. */
    Map<String, JsonNode> read(String table, String id) throws SQLException {
        PreparedStatement read = statement(table);
        if (read == null) {
            return null;
        }
        read.setString(1, id);
        try (ResultSet rs = read.executeQuery()) {
            return rs.next() ? Values.object(rs.getString(1)) : null;
        }
    }

    private PreparedStatement statement(String tableName) throws SQLException {
        if (reads.containsKey(tableName)) {
            return reads.get(tableName);
        }
        LocalTable table = tables.containsKey(tableName) ? tables.get(tableName) : LocalTable.describe(c, tableName);
        PreparedStatement read = table == null ? null : c.prepareStatement("SELECT "
                + CaptureTriggers.jsonOf(table) + " FROM " + Sql.quote(table.name()) + " WHERE id = ?");
        reads.put(tableName, read);
        return read;
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement read : reads.values()) {
            if (read != null) {
                read.close();
            }
        }
        reads.clear();
    }
}
