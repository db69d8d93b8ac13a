package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.RowChange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every local write the simulated apps made, as the app made it (the values it wrote) with the time its capture
 * stamped and the cursor the device had then. Checks each pushed change against the writes it must be the net effect
 * of (the documented merge: an insert then updates is an insert of the latest values, anything then a delete is a
 * delete; the time is the last write's, the basis the first write's cursor), and at the end that every write went out
 * in some pushed change. Not thread-safe.
 */
final class WriteLedger {
    /**
     * One app write of one row.
     *
     * @param values insert: every column but {@code id}; update: the columns whose value it changed; delete: none
     * @param basis  the device's pull cursor when it wrote, {@code ""} before its first pull
     */
    record Write(String node, String table, String id, String op, Map<String, JsonNode> values, Hlc hlc,
                 String basis) {
    }

    private final Map<String, List<Write>> writes = new LinkedHashMap<>();
    /** The time of the last change pushed for (node, table, id): writes up to it are accounted for. */
    private final Map<String, Hlc> pushedThrough = new HashMap<>();
    private int count;

    void record(Write write) {
        writes.computeIfAbsent(key(write.node(), write.table(), write.id()), k -> new ArrayList<>()).add(write);
        count++;
    }

    int count() {
        return count;
    }

    /**
     * Checks a change on its first delivery to the server: it must be the net effect of the node's writes of the row
     * made since its previous pushed change. Returns what is wrong, empty when nothing is.
     */
    List<String> checkPushed(RowChange change) {
        List<String> problems = new ArrayList<>();
        String key = key(change.nodeId(), change.table(), change.id());
        Hlc after = pushedThrough.get(key);
        List<Write> merged = new ArrayList<>();
        for (Write w : writes.getOrDefault(key, List.of())) {
            if ((after == null || w.hlc().compareTo(after) > 0) && w.hlc().compareTo(change.hlc()) <= 0) {
                merged.add(w);
            }
        }
        pushedThrough.put(key, change.hlc());
        String what = "pushed change " + describe(change);
        if (merged.isEmpty()) {
            problems.add(what + " is not the effect of any write the app made since the last push of that row");
            return problems;
        }
        if (!merged.get(merged.size() - 1).hlc().equals(change.hlc())) {
            problems.add(what + " carries time " + change.hlc() + " but the newest write it merges was stamped "
                    + merged.get(merged.size() - 1).hlc());
        }
        if (!merged.get(0).basis().equals(change.basis() == null ? "" : change.basis())) {
            problems.add(what + " has basis " + change.basis() + " but the device had pulled to '"
                    + merged.get(0).basis() + "' when it made the first write it merges");
        }
        String op = null;
        Map<String, JsonNode> values = new LinkedHashMap<>();
        for (Write w : merged) {
            switch (w.op()) {
                case "insert" -> {
                    op = "insert";
                    values.clear();
                    values.putAll(w.values());
                }
                case "delete" -> {
                    op = "delete";
                    values.clear();
                }
                default -> {
                    op = op == null || op.equals("delete") ? "update" : op;
                    values.putAll(w.values());
                }
            }
        }
        Operation expected = op.equals("delete") ? Operation.DELETE : Operation.UPSERT;
        if (change.op() != expected || !values.equals(change.values())) {
            problems.add(what + " should be " + expected + " " + values + ", the net effect of " + merged);
        }
        return problems;
    }

    /**
     * The node gave up its writes of a row up to {@code hlc} without sending them (the row moved out of its user's
     * view, so the client rejected its waiting change itself): they are accounted for, not lost.
     */
    void givenUp(String node, String table, String id, Hlc hlc) {
        pushedThrough.merge(key(node, table, id), hlc, (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    /** Writes no pushed change accounted for: they never reached the server. */
    List<Write> neverPushed() {
        List<Write> missing = new ArrayList<>();
        writes.forEach((key, list) -> {
            Hlc through = pushedThrough.get(key);
            list.stream().filter(w -> through == null || w.hlc().compareTo(through) > 0).forEach(missing::add);
        });
        return missing;
    }

    /** Rows some app inserted and no app ever deleted, as "table\0id". */
    Set<String> insertedNeverDeleted() {
        Set<String> inserted = new HashSet<>();
        Set<String> deleted = new HashSet<>();
        for (List<Write> list : writes.values()) {
            for (Write w : list) {
                String row = w.table() + '\u0000' + w.id();
                if (w.op().equals("insert")) {
                    inserted.add(row);
                } else if (w.op().equals("delete")) {
                    deleted.add(row);
                }
            }
        }
        inserted.removeAll(deleted);
        return inserted;
    }

    /** Every value any app wrote to {@code column} of a row ("table\0id"), JSON null included where one did. */
    Set<JsonNode> valuesWritten(String row, String column) {
        Set<JsonNode> values = new HashSet<>();
        for (List<Write> list : writes.values()) {
            for (Write w : list) {
                if (row.equals(w.table() + '\u0000' + w.id()) && w.values().containsKey(column)) {
                    JsonNode value = w.values().get(column);
                    values.add(value == null ? NullNode.getInstance() : value);
                }
            }
        }
        return values;
    }

    private static String key(String node, String table, String id) {
        return node + '\u0000' + table + '\u0000' + id;
    }

    static String describe(RowChange change) {
        return change.table() + " " + change.id() + " " + change.op() + " " + change.values() + " @" + change.hlc()
                + " from " + change.nodeId() + " #" + change.clientSeq();
    }
}
