package dev.mooring.cli.internal;

import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.client.PeerImportResult;
import dev.mooring.sync.client.PeerSyncResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** How the {@code mooring peer} commands print what they did, as text and as JSON documents. Stateless. */
final class PeerReports {
    private PeerReports() {
    }

    static String exported(Path db, PeerChanges changes, String to) {
        return "Exported " + changes.changes().size() + " change(s) and " + changes.rows().size() + " synced row(s) of "
                + db + " (node " + changes.from().nodeId() + ") to " + to + "; on another device of the same user: "
                + "mooring peer import <file> --db <client.db>";
    }

    static Map<String, Object> exportedJson(Path db, PeerChanges changes, String to) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("nodeId", changes.from().nodeId());
        doc.put("out", to);
        doc.put("changes", changes.changes().size());
        doc.put("rows", changes.rows().size());
        doc.put("since", changes.since() == null ? null : changes.since().toString());
        doc.put("cursor", changes.cursor());
        return doc;
    }

    static String imported(Path db, String from, PeerImportResult r) {
        StringBuilder text = new StringBuilder(r.changedNothing()
                ? "Imported the changes of node " + r.fromNode() + " from " + from + " into " + db + ": nothing new.\n"
                : "Imported the changes of node " + r.fromNode() + " from " + from + " into " + db + ".\n");
        lines(text, "", r);
        return text.append("The next sync takes what this device learned to the server.").toString();
    }

    static Map<String, Object> importedJson(Path db, String from, PeerImportResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("from", from);
        doc.putAll(result(r));
        return doc;
    }

    static String synced(Path db, String nodeId, PeerSyncResult r) {
        StringBuilder text = new StringBuilder("Exchanged changes of " + db + " (node " + nodeId + ") with node "
                + r.peer().nodeId() + " at " + r.peerUrl() + " in " + r.duration().toMillis() + " ms.\n");
        text.append("  sent            ").append(r.changesSent()).append(" change(s), ").append(r.rowsSent())
                .append(" synced row(s); the peer:\n");
        lines(text, "  ", withoutWarnings(r.peerImported()));
        text.append("  received        ").append(r.changesReceived()).append(" change(s), ").append(r.rowsReceived())
                .append(" synced row(s); here:\n");
        lines(text, "  ", withoutWarnings(r.imported()));
        r.warnings().forEach(w -> text.append("  warning         ").append(w).append('\n'));
        return text.append("Each device's next sync takes what it learned to the server.").toString();
    }

    static Map<String, Object> syncedJson(Path db, String nodeId, PeerSyncResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("nodeId", nodeId);
        doc.put("peerUrl", r.peerUrl().toString());
        doc.put("peer", r.peer());
        doc.put("changesSent", r.changesSent());
        doc.put("rowsSent", r.rowsSent());
        doc.put("peerImported", result(r.peerImported()));
        doc.put("changesReceived", r.changesReceived());
        doc.put("rowsReceived", r.rowsReceived());
        doc.put("imported", result(r.imported()));
        doc.put("warnings", r.warnings());
        doc.put("durationMs", r.duration().toMillis());
        return doc;
    }

    static String status(Path db, PeerInfo me, Map<String, Long> relays, long keptForLater) {
        StringBuilder text = new StringBuilder("Peer status of " + db + "\n");
        text.append("  node            ").append(me.nodeId()).append('\n');
        text.append("  user            ").append(me.userId() == null
                ? "not known yet: sync with the server once before exchanging with peers" : me.userId()).append('\n');
        text.append("  client schema   ").append(me.schemaVersion()).append('\n');
        text.append("  capabilities    ").append(String.join(", ", me.capabilities())).append('\n');
        me.tables().forEach((table, columns) -> text.append(String.format("  table           %s (%s)%n", table,
                String.join(", ", columns))));
        long waiting = relays.values().stream().mapToLong(Long::longValue).sum();
        text.append("  relays waiting  ").append(waiting).append(" change(s) of other nodes, for the server");
        if (!relays.isEmpty()) {
            text.append(": ").append(relays.entrySet().stream().map(e -> "node " + e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        text.append('\n');
        return text.append("  kept for later  ").append(keptForLater).append(" change(s) or row(s) for tables and"
                + " columns this database does not have yet (applied once a client migration adds them)").toString();
    }

    static Map<String, Object> statusJson(Path db, PeerInfo me, Map<String, Long> relays, long keptForLater) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("db", db.toString());
        doc.put("peerInfo", me);
        doc.put("relaysWaiting", relays.values().stream().mapToLong(Long::longValue).sum());
        doc.put("relaysByOrigin", relays);
        doc.put("keptForLater", keptForLater);
        return doc;
    }

    private static void lines(StringBuilder text, String indent, PeerImportResult r) {
        text.append(indent).append("  relayed         ").append(r.relaysKept()).append(" change(s) of other nodes,"
                + " kept for the server and applied\n");
        text.append(indent).append("  rows written    ").append(r.rowsWritten()).append('\n');
        text.append(indent).append("  already known   ").append(r.alreadyKnown()).append(" (own changes coming back,"
                + " or held already)\n");
        if (r.rowsKeptLocal() > 0) {
            text.append(indent).append("  kept local      ").append(r.rowsKeptLocal()).append(" synced row(s) of the"
                    + " peer passed over: the version here may be newer\n");
        }
        text.append(indent).append("  kept for later  ").append(r.keptForLater()).append(" for tables or columns not"
                + " there yet\n");
        r.warnings().forEach(w -> text.append(indent).append("  warning         ").append(w).append('\n'));
    }

    private static PeerImportResult withoutWarnings(PeerImportResult r) {
        return new PeerImportResult(r.fromNode(), r.relaysKept(), r.alreadyKnown(), r.rowsWritten(), r.rowsKeptLocal(),
                r.keptForLater(), List.of());
    }

    private static Map<String, Object> result(PeerImportResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("fromNode", r.fromNode());
        doc.put("relaysKept", r.relaysKept());
        doc.put("rowsWritten", r.rowsWritten());
        doc.put("alreadyKnown", r.alreadyKnown());
        doc.put("rowsKeptLocal", r.rowsKeptLocal());
        doc.put("keptForLater", r.keptForLater());
        doc.put("warnings", r.warnings());
        return doc;
    }
}
