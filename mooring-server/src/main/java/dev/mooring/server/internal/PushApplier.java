package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one node's pushed batch inside the caller's transaction: checks each change against the real schema and
 * the user's rights, decides it with {@link ConflictRules}, writes it stamped with its hybrid logical time (the
 * capture trigger records it), audits conflicts, and advances the node's sequence in the same transaction, so a
 * re-sent batch applies nothing twice. A change that fails is rolled back to its savepoint and rejected with the
 * reason; the rest of the batch still applies. Thread-safe: holds only the catalog and the clock.
 */
public final class PushApplier {
    private final TableCatalog catalog;
    private final HybridClock clock;
    private final ObjectMapper json = new ObjectMapper();

    public PushApplier(TableCatalog catalog, HybridClock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    public PushResponse apply(Connection c, String userId, PushRequest request) throws SQLException {
        String node = request.nodeId();
        Nodes.Node state = Nodes.claim(c, node, userId);
        RowWriter.stampSession(c, node, userId, "sync");
        long applied = state.lastSeq();
        List<ChangeResult> results = new ArrayList<>();
        for (RowChange change : request.changes()) {
            if (!node.equals(change.nodeId())) {
                results.add(rejected(change, "the change is from node " + change.nodeId() + " but the batch is from "
                        + node + "; push each node's changes as that node"));
            } else if (change.clientSeq() <= state.lastSeq()) {
                results.add(new ChangeResult(change.clientSeq(), ChangeStatus.DUPLICATE, null));
            } else {
                HybridClock.Receipt receipt = clock.receive(change.hlc());
                if (receipt.clamped()) {
                    Nodes.skew(c, node, receipt.skewMs(), true);
                }
                results.add(applyOne(c, userId, node, state.lastPulled(), change, receipt.effectiveRemote()));
                applied = Math.max(applied, change.clientSeq());
            }
        }
        Nodes.applied(c, node, applied);
        return new PushResponse(results, clock.now());
    }

    private ChangeResult applyOne(Connection c, String userId, String node, Long lastPulled, RowChange change,
                                  Hlc stamp) throws SQLException {
        TableCatalog.Table table = catalog.table(change.table()).orElse(null);
        if (table == null) {
            return rejected(change, "table " + change.table() + " is not synced");
        }
        if (!table.sync().acceptsPushes()) {
            return rejected(change, "table " + change.table() + " is " + (table.sync().publicRead() ? "public-read"
                    : "server-to-client only") + ": clients cannot change it");
        }
        String problem = checkValues(table, change, userId);
        if (problem != null) {
            return rejected(change, problem);
        }
        Savepoint savepoint = c.setSavepoint();
        try {
            ChangeResult result = decideAndWrite(c, table, userId, node, lastPulled, change, stamp);
            c.releaseSavepoint(savepoint);
            return result;
        } catch (SQLException e) {
            c.rollback(savepoint);
            return rejected(change, "the database refused it: " + firstLine(e.getMessage()));
        }
    }

    private ChangeResult decideAndWrite(Connection c, TableCatalog.Table table, String userId, String node,
                                        Long lastPulled, RowChange change, Hlc stamp) throws SQLException {
        ServerRow current = ServerRow.read(c, table, change.id(), node, lastPulled, json);
        String owner = table.sync().ownerColumn();
        if (current.state().exists() && !userId.equals(current.state().row().getOrDefault(owner, json.nullNode()).asText())) {
            return rejected(change, "row " + change.id() + " of " + change.table() + " belongs to another user");
        }
        ConflictRules.Decision decision = ConflictRules.decide(table.sync(), change.op(), change.values(), stamp,
                current.state());
        RowWriter.stampHlc(c, stamp);
        switch (decision.action()) {
            case INSERT:
                Map<String, JsonNode> row = new LinkedHashMap<>(change.values());
                row.put("id", json.getNodeFactory().textNode(change.id()));
                row.putIfAbsent(owner, json.getNodeFactory().textNode(userId));
                RowWriter.insert(c, table, row);
                break;
            case UPDATE:
                Map<String, JsonNode> values = new LinkedHashMap<>();
                decision.columns().forEach(col -> values.put(col, change.values().get(col)));
                if (decision.revive()) {
                    values.put(ConflictRules.TOMBSTONE_COLUMN, json.nullNode());
                }
                RowWriter.update(c, table, change.id(), values);
                break;
            case TOMBSTONE:
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + table.sqlName() + " SET deleted_at = now()"
                        + " WHERE id = CAST(? AS " + table.columns().get("id") + ")")) {
                    ps.setString(1, change.id());
                    ps.executeUpdate();
                }
                break;
            default:
                break;
        }
        if (decision.conflict() != null) {
            Conflicts.record(c, table, change, current, decision, json);
        }
        switch (decision.action()) {
            case SUPERSEDED:
                return new ChangeResult(change.clientSeq(), ChangeStatus.SUPERSEDED, "a newer version on the server"
                        + " wins (" + decision.rule() + ")");
            case QUEUE:
                return new ChangeResult(change.clientSeq(), ChangeStatus.CONFLICT_QUEUED, "edited on another device at"
                        + " the same time; the server keeps its version until someone resolves the conflict");
            default:
                return new ChangeResult(change.clientSeq(), ChangeStatus.APPLIED, null);
        }
    }

    /** Every column must exist; the id may not change; a row may not be given to another user. */
    private static String checkValues(TableCatalog.Table table, RowChange change, String userId) {
        String problem = RowWriter.problem(table, change.id(), change.values());
        if (problem != null) {
            return problem;
        }
        JsonNode owner = change.values().get(table.sync().ownerColumn());
        if (owner != null && !userId.equals(owner.asText())) {
            return "column " + table.sync().ownerColumn() + " must be your own user id; rows cannot be given to another user";
        }
        return null;
    }

    private static ChangeResult rejected(RowChange change, String reason) {
        return new ChangeResult(change.clientSeq(), ChangeStatus.REJECTED, reason);
    }

    private static String firstLine(String message) {
        return message == null ? "no message" : message.lines().findFirst().orElse(message);
    }
}
