package dev.mooring.sync.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The net effect of a row's outbox entries, column by column: an insert then updates is an insert of the latest
 * values, anything then a delete is a delete, a delete then an update (an undelete) is an update. Its time is the
 * latest entry's; its basis the earliest's (what the client had seen when it began changing the row). Mutable,
 * built by one thread.
 */
final class NetChange {
    final String table;
    final String id;
    String operation;
    final Map<String, JsonNode> values = new LinkedHashMap<>();
    Hlc hlc;
    String basis;
    final List<Long> seqs = new ArrayList<>();

    NetChange(String table, String id) {
        this.table = table;
        this.id = id;
    }

    /** Adds the next entry, in outbox order. {@code changed} is the JSON list of changed columns, null for all. */
    void add(long seq, String op, String payload, String changed, String hlcText, String entryBasis) {
        if (seqs.isEmpty()) {
            basis = entryBasis == null ? "" : entryBasis;
        }
        seqs.add(seq);
        hlc = Hlc.parse(hlcText);
        switch (op) {
            case "insert":
                operation = "insert";
                values.clear();
                values.putAll(Values.object(payload));
                values.remove("id"); // the change names its row; id is not a column to set
                break;
            case "delete":
                operation = "delete";
                values.clear();
                break;
            default:
                if (operation == null || operation.equals("delete")) {
                    operation = "update";
                }
                Map<String, JsonNode> row = Values.object(payload);
                if (changed == null) {
                    values.putAll(row);
                } else {
                    Values.parse(changed).forEach(col -> values.put(col.asText(), row.get(col.asText())));
                }
        }
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
