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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
        execute(c, List.of(insertWrite(table, row, null)));
    }

    /** Sets the given columns of row {@code id}; returns how many rows were updated (0 when there is none). */
    public static int update(Connection c, TableCatalog.Table table, String id, Map<String, JsonNode> values)
            throws SQLException {
        return execute(c, List.of(updateWrite(table, id, values, null)));
    }

    /**
     * One statement to run: its SQL and parameters. With a stamp, the statement sets {@code mooring.hlc} itself (in a
     * CTE the write joins, so it is set before the statement's AFTER triggers fire), so a batch of writes with
     * different stamps can go to the server in one round trip.
     */
    public record Write(String sql, List<String> parameters) {
    }

    /** An insert of a row of the given columns (they include the id and the owner). */
    public static Write insertWrite(TableCatalog.Table table, Map<String, JsonNode> row, Hlc stamp) {
        return write(stamp, "INSERT INTO " + table.sqlName() + " (" + columnList(row.keySet(), "") + ") SELECT "
                + columnList(row.keySet(), "p.") + " FROM %s jsonb_populate_record(NULL::" + table.sqlName()
                + ", ?::jsonb) p", document(row));
    }

    /** An update of the given columns of row {@code id}. */
    public static Write updateWrite(TableCatalog.Table table, String id, Map<String, JsonNode> values, Hlc stamp) {
        return write(stamp, "UPDATE " + table.sqlName() + " r SET " + values.keySet().stream()
                .map(col -> TableCatalog.quote(col) + " = p." + TableCatalog.quote(col))
                .collect(Collectors.joining(", ")) + " FROM %s jsonb_populate_record(NULL::" + table.sqlName()
                + ", ?::jsonb) p WHERE r.id = CAST(? AS " + table.columns().get("id") + ")", document(values), id);
    }

    /** A tombstone: {@code deleted_at} set to the transaction's time. */
    public static Write tombstoneWrite(TableCatalog.Table table, String id, Hlc stamp) {
        return write(stamp, "UPDATE " + table.sqlName() + " r SET deleted_at = now() FROM %s (SELECT 1) one"
                + " WHERE r.id = CAST(? AS " + table.columns().get("id") + ")", id);
    }

    private static Write write(Hlc stamp, String template, String... parameters) {
        List<String> all = new ArrayList<>();
        String sql;
        if (stamp == null) {
            sql = String.format(template, "");
        } else {
            sql = "WITH stamp AS (SELECT set_config('mooring.hlc', ?, true)) " + String.format(template, "stamp,");
            all.add(stamp.toString());
        }
        all.addAll(Arrays.asList(parameters));
        return new Write(sql, all);
    }

    /**
     * Runs the writes, those with the same SQL as one JDBC batch (one round trip); returns the rows they changed.
     * Rows are independent of each other, so grouping does not change the outcome.
     */
    public static int execute(Connection c, List<Write> writes) throws SQLException {
        Map<String, List<Write>> bySql = new LinkedHashMap<>();
        for (Write w : writes) {
            bySql.computeIfAbsent(w.sql(), k -> new ArrayList<>()).add(w);
        }
        int changed = 0;
        for (Map.Entry<String, List<Write>> group : bySql.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(group.getKey())) {
                if (group.getValue().size() == 1) {
                    bind(ps, group.getValue().get(0));
                    changed += ps.executeUpdate();
                    continue;
                }
                for (Write w : group.getValue()) {
                    bind(ps, w);
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    changed += Math.max(n, 0);
                }
            }
        }
        return changed;
    }

    private static void bind(PreparedStatement ps, Write w) throws SQLException {
        for (int i = 0; i < w.parameters().size(); i++) {
            ps.setString(i + 1, w.parameters().get(i));
        }
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

    private static String columnList(Set<String> columns, String prefix) {
        return columns.stream().map(col -> prefix + TableCatalog.quote(col)).collect(Collectors.joining(", "));
    }
}
