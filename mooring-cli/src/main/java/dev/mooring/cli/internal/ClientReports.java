package dev.mooring.cli.internal;

import dev.mooring.sync.client.ClientStatus;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncReport;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How {@code mooring sync} and {@code mooring sync status} print a client's {@link SyncReport} and
 * {@link ClientStatus}: as text, as one line per sync for {@code --watch}, and as JSON documents. Never the token:
 * it is not part of anything printed here.
 */
final class ClientReports {
    private ClientReports() {
    }

    /** One sync, as text. */
    static String text(Path db, String nodeId, URI server, SyncReport r) {
        StringBuilder text = new StringBuilder("Synced " + db + " (node " + nodeId + ") with " + server + " in "
                + r.duration().toMillis() + " ms\n");
        text.append("  pulled        ").append(r.pulled()).append(" change(s)").append(r.bootstrap() ? " (bootstrap)" : "")
                .append(", applied ").append(r.applied()).append(", removed ").append(r.removed()).append('\n');
        text.append("  pushed        ").append(r.pushed()).append(" row(s), acknowledged ").append(r.acknowledged())
                .append(", rejected ").append(r.rejected()).append('\n');
        if (!r.changes().isEmpty()) {
            text.append("  results       ").append(r.changesByStatus().entrySet().stream()
                    .map(e -> e.getKey().wireName() + " " + e.getValue()).collect(Collectors.joining(", "))).append('\n');
        }
        text.append("  conflicts     ").append(r.conflicts().size()).append('\n');
        if (!r.conflicts().isEmpty()) {
            text.append(indent(conflictTable(r.conflicts(), false)));
        }
        text.append("  pending       ").append(r.pending()).append(" change(s) left in the outbox");
        if (r.removed() > 0) {
            text.append("\nRemoved rows moved out of what this user may see (no longer shared with them); edits made"
                    + " to them here and not yet sent stay as rejected changes, listed by mooring sync status --db ")
                    .append(db).append('.');
        }
        if (r.rejected() > 0) {
            text.append("\nRejected changes stay in the outbox with the server's reason; see mooring sync status --db ")
                    .append(db).append(", then mooring sync retry (once the row is fixed) or mooring sync discard.");
        }
        return text.toString();
    }

    /** One sync on one line, for {@code --watch}. */
    static String line(Instant at, SyncReport r) {
        StringBuilder line = new StringBuilder(at.truncatedTo(ChronoUnit.SECONDS) + "  pulled " + r.pulled()
                + (r.bootstrap() ? " (bootstrap)" : "") + ", applied " + r.applied() + ", removed " + r.removed()
                + ", pushed " + r.pushed()
                + ", acknowledged " + r.acknowledged() + ", rejected " + r.rejected() + ", conflicts "
                + r.conflicts().size());
        if (!r.conflicts().isEmpty()) {
            line.append(" (");
            for (int i = 0; i < r.conflicts().size(); i++) {
                SyncConflict c = r.conflicts().get(i);
                line.append(i == 0 ? "" : "; ").append(c.table()).append(' ').append(c.id()).append(' ')
                        .append(c.rule()).append(": ").append(c.result());
            }
            line.append(')');
        }
        return line.append(", pending ").append(r.pending()).append(" (").append(r.duration().toMillis()).append(" ms)")
                .toString();
    }

    /** One sync, as a JSON document. */
    static Map<String, Object> json(Path db, String nodeId, URI server, SyncReport r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("server", server.toString());
        doc.put("nodeId", nodeId);
        doc.put("pulled", r.pulled());
        doc.put("applied", r.applied());
        doc.put("removed", r.removed());
        doc.put("bootstrap", r.bootstrap());
        doc.put("pushed", r.pushed());
        doc.put("acknowledged", r.acknowledged());
        doc.put("rejected", r.rejected());
        doc.put("conflicts", r.conflicts());
        doc.put("changes", r.changes());
        doc.put("pending", r.pending());
        doc.put("durationMs", r.duration().toMillis());
        return doc;
    }

    /** Where a client stands, as text. */
    static String text(Path db, Set<String> tables, ClientStatus s, List<OutboxEntry> rejected,
                       List<SyncConflict> conflicts) {
        StringBuilder text = new StringBuilder("Client " + db + " (node " + s.nodeId() + "), syncing "
                + String.join(", ", tables) + "\n");
        text.append("  pending changes       ").append(s.pendingChanges()).append(" (").append(s.rejectedChanges())
                .append(" rejected)\n");
        text.append("  last successful sync  ").append(s.lastSuccessfulSync() == null ? "never"
                : s.lastSuccessfulSync().truncatedTo(ChronoUnit.MILLIS)).append('\n');
        text.append("  last error            ").append(s.lastError() == null ? "none" : s.lastError()).append('\n');
        text.append("  cursor                ").append(s.cursor() == null ? "none (the next sync bootstraps)" : s.cursor());
        if (!rejected.isEmpty()) {
            text.append("\nRejected by the server; fix the row and send it again with mooring sync retry --db ").append(db)
                    .append(" SEQ, or drop the change with mooring sync discard --db ").append(db)
                    .append(" SEQ (--all: every one):\n").append(rejectedTable(rejected));
        }
        text.append(conflicts.isEmpty() ? "\nNo conflicts recorded." : "\nLatest conflicts:\n"
                + indent(conflictTable(conflicts, true)));
        return text.toString().stripTrailing();
    }

    /** Where a client stands, as a JSON document. */
    static Map<String, Object> json(Path db, Set<String> tables, ClientStatus s, List<OutboxEntry> rejected,
                                    List<SyncConflict> conflicts) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("nodeId", s.nodeId());
        doc.put("tables", tables);
        doc.put("pendingChanges", s.pendingChanges());
        doc.put("rejectedChanges", s.rejectedChanges());
        doc.put("rejected", rejectedJson(rejected));
        doc.put("lastSuccessfulSync", s.lastSuccessfulSync());
        doc.put("lastError", s.lastError());
        doc.put("cursor", s.cursor());
        doc.put("conflicts", conflicts);
        return doc;
    }

    /** Rejected outbox entries as a table, indented: the seq to name them by, the row, the server's reason. */
    static String rejectedTable(List<OutboxEntry> rejected) {
        TextTable table = new TextTable("seq", "table", "id", "operation", "error");
        rejected.forEach(e -> table.row(e.seq(), e.table(), e.id(), e.operation(), e.lastError()));
        return indent(table.toString());
    }

    /** Rejected outbox entries for a JSON document. */
    static List<Map<String, Object>> rejectedJson(List<OutboxEntry> rejected) {
        return rejected.stream().map(e -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("seq", e.seq());
            entry.put("table", e.table());
            entry.put("id", e.id());
            entry.put("operation", e.operation());
            entry.put("error", e.lastError());
            entry.put("originNode", e.originNode());
            return entry;
        }).toList();
    }

    private static String conflictTable(List<SyncConflict> conflicts, boolean withTime) {
        TextTable table = withTime ? new TextTable("at", "table", "id", "rule", "result")
                : new TextTable("table", "id", "rule", "result");
        for (SyncConflict c : conflicts) {
            if (withTime) {
                table.row(c.at().truncatedTo(ChronoUnit.MILLIS), c.table(), c.id(), c.rule(), c.result());
            } else {
                table.row(c.table(), c.id(), c.rule(), c.result());
            }
        }
        return table.toString();
    }

    private static String indent(String lines) {
        return lines.stripTrailing().indent(4);
    }
}
