package dev.mooring.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Operation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps a pull from sending a value that a later write of its row replaced. The feed delivers changes in
 * transaction order; writes of one row are applied in change-log order (each waits for the row lock), and the two can
 * differ: a transaction that took its id first can write the row last, and a device is never sent its own changes,
 * so an older change that reaches it late would otherwise overwrite the newer value it wrote itself and was
 * acknowledged for, and nothing would ever correct it. A change is superseded when its row's last change in the log
 * ({@code column_versions.last_seq}) is not the change itself; only those are checked, against the row as it is now:
 * <ul>
 *   <li>an update keeps only the columns whose value is still the row's (the later writes of the others are sent
 *       when the feed reaches them, or the device made them);</li>
 *   <li>an insert, and the whole-row copy that goes before an edit that brought a deleted row back, carry the row as
 *       it is now, so a device that lacks the row still gets all of it;</li>
 *   <li>a delete is sent only if the row is gone, and nothing is sent for a row that is gone or is no longer the
 *       user's.</li>
 * </ul>
 * Sending a row's current value early is harmless: the change that wrote it comes later with the same value. Not
 * thread-safe; static helpers only.
 */
final class SupersededChanges {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One change as the feed read it, before the check. {@code operation} is the change log's. */
    record Read(ChangeFeed.FeedRow row, String operation, boolean superseded) {
    }

    private SupersededChanges() {
    }

    /** The changes to send: those not superseded as they are, the others brought up to date or left out. */
    static List<ChangeFeed.FeedRow> resolve(Connection c, TableCatalog catalog, String userId, List<Read> read)
            throws SQLException {
        Map<String, Set<String>> idsByTable = new LinkedHashMap<>();
        for (Read r : read) {
            if (r.superseded()) {
                idsByTable.computeIfAbsent(r.row().table(), t -> new LinkedHashSet<>()).add(r.row().id());
            }
        }
        if (idsByTable.isEmpty()) {
            return read.stream().map(Read::row).toList();
        }
        Map<String, Map<String, ObjectNode>> current = new HashMap<>();
        for (Map.Entry<String, Set<String>> e : idsByTable.entrySet()) {
            current.put(e.getKey(), currentRows(c, catalog.table(e.getKey()).orElseThrow(), userId, e.getValue()));
        }
        List<ChangeFeed.FeedRow> send = new ArrayList<>(read.size());
        for (Read r : read) {
            ChangeFeed.FeedRow row = r.row();
            if (!r.superseded()) {
                send.add(row);
                continue;
            }
            ObjectNode now = current.get(row.table()).get(row.id());
            if (row.op() == Operation.DELETE) {
                if (now == null) {
                    send.add(row); // still gone: a later write re-created it and deleted it again
                }
            } else if (now != null) {
                String values = row.seq() == 0 || r.operation().equals("insert") ? text(now) : stillCurrent(row, now);
                if (values != null) {
                    send.add(new ChangeFeed.FeedRow(row.seq(), row.table(), row.id(), row.op(), values, row.hlc(),
                            row.originNode()));
                }
            }
        }
        return send;
    }

    /** The columns of an update whose value is still the row's, as JSON text; {@code null} when there are none. */
    private static String stillCurrent(ChangeFeed.FeedRow change, ObjectNode now) {
        ObjectNode kept = JSON.createObjectNode();
        parse(change.valuesJson()).fields().forEachRemaining(column -> {
            if (column.getValue().equals(now.get(column.getKey()))) {
                kept.set(column.getKey(), column.getValue());
            }
        });
        return kept.isEmpty() ? null : text(kept);
    }

    /**
     * The rows of {@code ids} as they are now, as {@code to_jsonb} writes them (the change log's form, so values
     * compare equal); rows that do not exist or belong to another user are absent.
     */
    private static Map<String, ObjectNode> currentRows(Connection c, TableCatalog.Table table, String userId,
                                                       Set<String> ids) throws SQLException {
        String owner = table.sync().ownerColumn();
        Map<String, ObjectNode> rows = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id::text, to_jsonb(r)::text FROM " + table.sqlName()
                + " r WHERE r.id = ANY(CAST(? AS " + table.columns().get("id") + "[]))"
                + (owner == null ? "" : " AND r." + TableCatalog.quote(owner) + "::text = ?"))) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            if (owner != null) {
                ps.setString(2, userId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), (ObjectNode) parse(rs.getString(2)));
                }
            }
        }
        return rows;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "the database returned a row that is not JSON: "
                    + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "could not write JSON: " + e.getMessage(), e);
        }
    }
}
