package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The net effect of a row's outbox entries, column by column: an insert then updates is an insert of the latest
 * values, anything then a delete is a delete, a delete then an update (an undelete) is an update. Its time is the
 * latest entry's; its basis the earliest's (what the client had seen when it began changing the row).
 *
 * <p>Entries in a frozen batch carry the values that were sent. Pending entries carry no values, only which columns
 * changed: their values are the row's current ones, read once when the change is frozen or settled ({@link #fill}),
 * which keeps the capture trigger from serialising every row the app writes. Mutable, built by one thread.
 */
final class NetChange {
    final String table;
    final String id;
    String operation;
    final Map<String, JsonNode> values = new LinkedHashMap<>();
    Hlc hlc;
    String basis;
    final List<Long> seqs = new ArrayList<>();
    /** Columns whose values are still to be read from the row; {@link #wholeRow} for all of them. */
    private final Set<String> fromRow = new LinkedHashSet<>();
    private boolean wholeRow;

    NetChange(String table, String id) {
        this.table = table;
        this.id = id;
    }

    /**
     * Adds the next entry, in outbox order. {@code payload} holds the entry's values (frozen entries) or is null
     * (pending entries: the row's current values); {@code changed} is the JSON list of changed columns, null for all.
     */
    void add(long seq, String op, String payload, String changed, String hlcText, String entryBasis) {
        if (seqs.isEmpty()) {
            basis = entryBasis == null ? "" : entryBasis;
        }
        seqs.add(seq);
        Hlc time = Hlc.parse(hlcText);
        hlc = hlc == null || time.compareTo(hlc) > 0 ? time : hlc;
        switch (op) {
            case "insert":
                operation = "insert";
                values.clear();
                fromRow.clear();
                wholeRow = payload == null;
                if (payload != null) {
                    values.putAll(Values.object(payload));
                    values.remove("id"); // the change names its row; id is not a column to set
                }
                break;
            case "delete":
                operation = "delete";
                values.clear();
                fromRow.clear();
                wholeRow = false;
                break;
            default:
                if (operation == null || operation.equals("delete")) {
                    operation = "update";
                }
                if (payload != null) {
                    Map<String, JsonNode> row = Values.object(payload);
                    if (changed == null) {
                        values.putAll(row);
                    } else {
                        Values.parse(changed).forEach(col -> values.put(col.asText(), row.get(col.asText())));
                    }
                } else if (changed == null) {
                    wholeRow = true;
                } else {
                    Values.parse(changed).forEach(col -> fromRow.add(col.asText()));
                }
        }
    }

    /** Whether some values must still be read from the row with {@link #fill}. */
    boolean needsRow() {
        return !operation.equals("delete") && (wholeRow || !fromRow.isEmpty());
    }

    /** Takes the values still missing from the row as it is now ({@code id} excluded). */
    void fill(Map<String, JsonNode> row) {
        if (wholeRow) {
            row.forEach((col, value) -> {
                if (!col.equals("id")) {
                    values.put(col, value);
                }
            });
        } else {
            fromRow.forEach(col -> values.put(col, row.get(col)));
        }
        fromRow.clear();
        wholeRow = false;
    }

    /** The columns this change sets, whether or not their values have been read yet. */
    Set<String> columns() {
        Set<String> columns = new LinkedHashSet<>(values.keySet());
        columns.addAll(fromRow);
        return columns;
    }

    Operation wireOperation() {
        return operation.equals("delete") ? Operation.DELETE : Operation.UPSERT;
    }

    String key() {
        return key(table, id);
    }

    static String key(String table, String id) {
        return table + '\u0000' + id;
    }
}
