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
    /** What {@link #stampSession} sets; parameters node, user, source. */
    private static final String SESSION_SETTINGS = "set_config('mooring.node', ?, true), set_config('mooring.user', ?, true),"
            + " set_config('mooring.source', ?, true), set_config('plan_cache_mode', 'force_custom_plan', true)";

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
        // Custom plans: a plan cached while a table was small (a sequential scan) would stay in use as it grows;
        // the lookups by an array of ids must always use the primary key.
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SESSION_SETTINGS)) {
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

    /** Sets the given columns of row {@code id}; returns how many rows were updated (0 when there is none). */
    public static int update(Connection c, TableCatalog.Table table, String id, Map<String, JsonNode> values)
            throws SQLException {
        Batch batch = new Batch();
        batch.update(table, id, values, null);
        return batch.execute(c);
    }

    /**
     * Writes collected for one round of statements: rows of the same table, kind and columns go to the server as
     * one statement over {@code jsonb_populate_recordset}, so the statement-level capture triggers record them in one
     * set-based insert. Each statement stamps its rows' hybrid logical times itself ({@code mooring.hlcs}, an id →
     * HLC object, set in a CTE the write joins, so it is in place before the statement's triggers fire); rows with no
     * stamp take the transaction's ({@link #stampHlc}) or the server clock's. At most one write per row: the caller
     * sends a row's later changes in a later batch. Not thread-safe.
     */
    public static final class Batch {
        private record Key(String kind, TableCatalog.Table table, List<String> columns) {
        }

        private final Map<Key, Map<String, Map<String, JsonNode>>> rows = new LinkedHashMap<>();
        private final Map<Key, Map<String, String>> stamps = new LinkedHashMap<>();
        /**
         * Inserts whose columns do not all get the row's time: table → id → the time of each column that does. The
         * capture trigger reads them ({@code mooring.partial}) for the rows of its statement.
         */
        private final Map<String, Map<String, Map<String, String>>> partial = new LinkedHashMap<>();

        public void insert(TableCatalog.Table table, String id, Map<String, JsonNode> row, Hlc stamp) {
            insert(table, id, row, stamp, Set.of());
        }

        /**
         * An insert whose {@code unstamped} columns get no time: values the change did not write itself. Those, and
         * the columns {@code row} leaves out, are won by any real write; a row of every column written at
         * {@code stamp} keeps one time for all of them.
         */
        public void insert(TableCatalog.Table table, String id, Map<String, JsonNode> row, Hlc stamp,
                           Set<String> unstamped) {
            add("insert", table, id, row, stamp);
            if (stamp != null && !(unstamped.isEmpty() && row.keySet().containsAll(table.columns().keySet()))) {
                Map<String, String> hlcs = new LinkedHashMap<>();
                row.keySet().stream().filter(col -> !col.equals("id") && !unstamped.contains(col))
                        .forEach(col -> hlcs.put(col, stamp.toString()));
                partial.computeIfAbsent(table.sync().name(), t -> new LinkedHashMap<>()).put(id, hlcs);
            }
        }

        public void update(TableCatalog.Table table, String id, Map<String, JsonNode> values, Hlc stamp) {
            Map<String, JsonNode> withId = new LinkedHashMap<>(values);
            withId.put("id", JSON.getNodeFactory().textNode(id));
            add("update", table, id, withId, stamp);
        }

        /** A tombstone: {@code deleted_at} set to the transaction's time. */
        public void tombstone(TableCatalog.Table table, String id, Hlc stamp) {
            add("tombstone", table, id, Map.of("id", JSON.getNodeFactory().textNode(id)), stamp);
        }

        private void add(String kind, TableCatalog.Table table, String id, Map<String, JsonNode> row, Hlc stamp) {
            String[] columns = row.keySet().toArray(new String[0]);
            java.util.Arrays.sort(columns);
            Key key = new Key(kind, table, java.util.Arrays.asList(columns));
            rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(id, row);
            if (stamp != null) {
                stamps.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(id, stamp.toString());
            }
        }

        /** Runs one statement per table, kind and column set; returns the rows written. */
        public int execute(Connection c) throws SQLException {
            int written = 0;
            for (Map.Entry<Key, Map<String, Map<String, JsonNode>>> group : rows.entrySet()) {
                Key key = group.getKey();
                String table = key.table().sqlName();
                String stamp = "WITH stamp AS (SELECT set_config('mooring.hlcs', ?, true)) ";
                String sql;
                switch (key.kind()) {
                    case "insert":
                        // and the rows whose insert does not give every column its time (see insert(..., unstamped))
                        sql = "WITH stamp AS (SELECT set_config('mooring.hlcs', ?, true),"
                                + " set_config('mooring.partial', ?, true)) INSERT INTO " + table + " ("
                                + columnList(key.columns(), "") + ") SELECT "
                                + columnList(key.columns(), "p.") + " FROM stamp, jsonb_populate_recordset(NULL::"
                                + table + ", ?::jsonb) p";
                        break;
                    case "update":
                        sql = stamp + "UPDATE " + table + " r SET " + key.columns().stream().filter(col -> !col.equals("id"))
                                .map(col -> TableCatalog.quote(col) + " = p." + TableCatalog.quote(col))
                                .collect(Collectors.joining(", ")) + " FROM stamp, jsonb_populate_recordset(NULL::"
                                + table + ", ?::jsonb) p WHERE r.id = p.id";
                        break;
                    default:
                        sql = stamp + "UPDATE " + table + " r SET deleted_at = now() FROM stamp,"
                                + " jsonb_populate_recordset(NULL::" + table + ", ?::jsonb) p WHERE r.id = p.id";
                        break;
                }
                Map<String, String> groupStamps = stamps.getOrDefault(key, Map.of());
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    int i = 1;
                    ps.setString(i++, groupStamps.isEmpty() ? "" : text(groupStamps));
                    if (key.kind().equals("insert")) {
                        Map<String, Map<String, String>> partialRows = new LinkedHashMap<>();
                        Map<String, Map<String, String>> ofTable = partial.getOrDefault(key.table().sync().name(),
                                Map.of());
                        group.getValue().keySet().forEach(id -> {
                            Map<String, String> columns = ofTable.get(id);
                            if (columns != null) {
                                partialRows.put(id, columns);
                            }
                        });
                        ps.setString(i++, partialRows.isEmpty() ? "" : text(partialRows));
                    }
                    ps.setString(i, text(group.getValue().values()));
                    written += ps.executeUpdate();
                }
                if (key.kind().equals("update") && !groupStamps.isEmpty()) {
                    stampColumns(c, key, groupStamps);
                }
            }
            return written;
        }

        /**
         * Gives every column an update wrote its row's time, changed or not. The capture trigger records only
         * columns whose value changed, but a write that won a column and left its value as it was is still the
         * column's newest write: without its time, an older write arriving later would beat it.
         */
        private static void stampColumns(Connection c, Key key, Map<String, String> rowStamps) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO mooring.column_versions AS v (table_name, record_id, column_hlcs, row_hlc)
                    SELECT ?, s.id, (SELECT jsonb_object_agg(col, s.hlc) FROM unnest(?::text[]) AS col), s.hlc
                      FROM jsonb_each_text(?::jsonb) AS s(id, hlc)
                    ON CONFLICT (table_name, record_id) DO UPDATE
                        SET column_hlcs = v.column_hlcs || EXCLUDED.column_hlcs,
                            row_hlc = greatest(v.row_hlc, EXCLUDED.row_hlc)
                    """)) {
                ps.setString(1, key.table().sync().name());
                ps.setArray(2, c.createArrayOf("text", key.columns().stream().filter(col -> !col.equals("id")).toArray()));
                ps.setString(3, text(rowStamps));
                ps.executeUpdate();
            }
        }
    }

    /** {@code value} (maps, lists, strings and JSON nodes) as JSON text, written directly, never through a tree. */
    private static String text(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write JSON: " + e.getMessage(), e);
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

    private static String columnList(List<String> columns, String prefix) {
        return columns.stream().map(col -> prefix + TableCatalog.quote(col)).collect(Collectors.joining(", "));
    }
}
