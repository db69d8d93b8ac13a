package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.Objects;

/**
 * A row one peer has from the server, as it has it, sent to another peer to take as synced state (never pushed to
 * the server: the server has it). Immutable.
 *
 * @param table        the table
 * @param id           the row's id
 * @param values       every column but {@code id}, {@code deleted_at} included, JSON null for SQL NULL
 * @param lastModified the version the peer synced the row at (its {@code last_modified})
 */
public record PeerRow(String table, String id, Map<String, JsonNode> values, Hlc lastModified) {
    /** Checks every field and copies the values. */
    public PeerRow {
        values = WireForm.values(values, "values");
        WireForm.checkRow(table, id, Operation.UPSERT, values, lastModified);
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
