package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one way a synced row is written from outside values, for pushes and conflict resolutions alike: the values
 * travel as one jsonb document through {@code jsonb_populate_record}, so PostgreSQL converts each to its column's
 * type, and every column name reaches SQL only after it was checked against the {@link TableCatalog} and quoted.
 * Writes are captured by the table's trigger with whatever the transaction was stamped with
 * ({@link #stampSession}, {@link #stampHlc}). Stateless and thread-safe; every method runs in the caller's
 * transaction.
 */
public final class RowWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RowWriter() {
    }

    /**
     * Why {@code values} cannot be written to row {@code id} of {@code table}, or {@code null} when they can: every
     * column must exist, and the id may not change.
     */
    public static String problem(TableCatalog.Table table, String id, Map<String, JsonNode> values) {
        for (String column : values.keySet()) {
            if (!table.hasColumn(column)) {
                return "table " + table.sync().name() + " has no column " + column;
            }
        }
        JsonNode given = values.get("id");
        if (given != null && !id.equals(given.asText())) {
            return "the values change the row's id; ids never change";
        }
        return null;
    }

    /** Says who writes for the rest of the transaction: the capture trigger records node, user and source. */
    public static void stampSession(Connection c, String node, String userId, String source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('mooring.node', ?, true),"
                + " set_config('mooring.user', ?, true), set_config('mooring.source', ?, true)")) {
            ps.setString(1, node);
            ps.setString(2, userId);
            ps.setString(3, source);
            ps.execute();
        }
    }

    /** The hybrid logical time the capture trigger gives the transaction's next writes. */
    public static void stampHlc(Connection c, Hlc stamp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('mooring.hlc', ?, true)")) {
            ps.setString(1, stamp.toString());
            ps.execute();
        }
    }

    /** Inserts a row of the given columns (they include the id and the owner). */
    public static void insert(Connection c, TableCatalog.Table table, Map<String, JsonNode> row) throws SQLException {
        write(c, "INSERT INTO " + table.sqlName() + " (" + columnList(row.keySet(), "") + ") SELECT "
                + columnList(row.keySet(), "p.") + " FROM jsonb_populate_record(NULL::" + table.sqlName()
                + ", ?::jsonb) p", row, null);
    }

    /** Sets the given columns of row {@code id}; returns how many rows were updated (0 when there is none). */
    public static int update(Connection c, TableCatalog.Table table, String id, Map<String, JsonNode> values)
            throws SQLException {
        return write(c, "UPDATE " + table.sqlName() + " r SET " + values.keySet().stream()
                .map(col -> TableCatalog.quote(col) + " = p." + TableCatalog.quote(col))
                .collect(Collectors.joining(", ")) + " FROM jsonb_populate_record(NULL::" + table.sqlName()
                + ", ?::jsonb) p WHERE r.id = CAST(? AS " + table.columns().get("id") + ")", values, id);
    }

    /** Values as jsonb text, JSON null for SQL NULL. */
    public static String document(Map<String, JsonNode> values) {
        ObjectNode document = JSON.createObjectNode();
        values.forEach(document::set);
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write JSON: " + e.getMessage(), e);
        }
    }

    private static int write(Connection c, String sql, Map<String, JsonNode> values, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, document(values));
            if (id != null) {
                ps.setString(2, id);
            }
            return ps.executeUpdate();
        }
    }

    private static String columnList(Set<String> columns, String prefix) {
        return columns.stream().map(col -> prefix + TableCatalog.quote(col)).collect(Collectors.joining(", "));
    }
}
