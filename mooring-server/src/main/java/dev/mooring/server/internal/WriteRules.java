package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.ConflictRules;
import dev.mooring.sync.Operation;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link PushApplier} asks of a change: the checks that need no database ({@link #check}), and before it writes
 * to a row its user does not own, whether the sharing rules
 * let them ({@link Permissions}), and whether every row the change refers to is one they may see. Reasons are the
 * text a client shows. Static helpers only.
 */
final class WriteRules {
    private WriteRules() {
    }

    /** Rejects, and takes out of their runs, the changes that refer to rows their writer may not see. */
    static void rejectUnseenReferences(Connection c, TableCatalog catalog, String userId,
                                       List<List<PushApplier.Candidate>> runs, ChangeResult[] results)
            throws SQLException {
        Map<Integer, RowChange> changes = new LinkedHashMap<>();
        runs.forEach(run -> run.forEach(k -> changes.put(k.index(), k.change())));
        Map<Integer, String> problems = Permissions.references(c, catalog, userId, changes);
        if (problems.isEmpty()) {
            return;
        }
        for (List<PushApplier.Candidate> run : runs) {
            run.removeIf(k -> {
                String problem = problems.get(k.index());
                if (problem != null) {
                    results[k.index()] = new ChangeResult(k.change().clientSeq(), ChangeStatus.REJECTED, problem);
                }
                return problem != null;
            });
        }
    }

    /** The rights of the user on the rows among {@code rows} that exist and are another user's. */
    static Map<String, Permissions.Rights> rights(Connection c, TableCatalog catalog, String userId,
                                                  TableCatalog.Table table, Map<String, ServerRow> rows)
            throws SQLException {
        List<String> others = new ArrayList<>();
        rows.forEach((id, row) -> {
            if (row.state().exists() && !userId.equals(owner(table, row))) {
                others.add(id);
            }
        });
        TableAccess access = catalog.access(table.sync().name()).orElse(null);
        return access == null || others.isEmpty() ? Map.of() : Permissions.of(c, access, userId, others);
    }

    /**
     * Why {@code userId} may not make {@code change} to an existing row, or {@code null}: its owner may do anything but
     * give it away; another user needs the table's update rule (and only its update columns) or its delete rule.
     */
    static String problem(TableCatalog catalog, String userId, RowChange change, TableCatalog.Table table,
                          ServerRow current, Permissions.Rights rights) {
        String owner = table.sync().ownerColumn();
        String rowOwner = owner(table, current);
        JsonNode newOwner = change.values().get(owner);
        if (newOwner != null && !rowOwner.equals(newOwner.asText())) {
            return "column " + owner + " cannot change: rows cannot be given to another user";
        }
        if (userId.equals(rowOwner)) {
            return null;
        }
        Permissions.Rights may = rights == null ? Permissions.Rights.NONE : rights;
        String row = "row " + change.id() + " of " + change.table();
        if (!may.read()) {
            return row + " belongs to another user" + (table.sync().sharing().read() == null ? ""
                    : " and is not shared with you");
        }
        JsonNode tombstone = change.values().get(ConflictRules.TOMBSTONE_COLUMN);
        if (change.op() == Operation.DELETE || (tombstone != null && !tombstone.isNull())) {
            // setting deleted_at is a delete too, whatever columns the update rule grants
            return may.delete() ? null : row + " is shared with you, but only its owner may delete it";
        }
        if (!may.update()) {
            return row + " is shared with you for viewing only; you cannot change it";
        }
        Set<String> allowed = catalog.access(table.sync().name()).map(TableAccess::updateColumns).orElse(Set.of());
        if (current.state().tombstoned() && !allowed.contains(ConflictRules.TOMBSTONE_COLUMN)) {
            // an edit of a deleted row brings it back (the delete policy), and so changes deleted_at: an accept that
            // crossed an unshare would undo the unshare
            return row + " was deleted by its owner; you may not bring it back";
        }
        List<String> refused = change.values().keySet().stream()
                .filter(col -> !col.equals("id") && !col.equals(owner) && !allowed.contains(col)).sorted().toList();
        return refused.isEmpty() ? null : row + " is shared with you, but you may not change " + String.join(", ", refused)
                + " (you may change " + String.join(", ", allowed.stream().sorted().toList()) + ")";
    }

    private static String owner(TableCatalog.Table table, ServerRow row) {
        return row.state().row().getOrDefault(table.sync().ownerColumn(), NullNode.getInstance()).asText();
    }

    /** The checks that need no database: a synced, pushable table; real columns; no row given to another user. */
    static String check(TableCatalog.Table table, RowChange change, String userId) {
        if (table == null) {
            return "table " + change.table() + " is not synced";
        }
        if (!table.sync().acceptsPushes()) {
            return "table " + change.table() + " is " + (table.sync().publicRead() ? "public-read"
                    : "server-to-client only") + ": clients cannot change it";
        }
        for (Map<String, JsonNode> values : List.of(change.values(), change.fill())) {
            String problem = RowWriter.problem(table, change.id(), values);
            if (problem != null) {
                return values == change.values() ? problem : "in its fill: " + problem;
            }
            JsonNode owner = values.get(table.sync().ownerColumn());
            // the owner of a shared row keeps it through another user's edit: checked against the row (problem)
            boolean sharedTable = values == change.values() && table.sync().sharing().update() != null;
            if (owner != null && !userId.equals(owner.asText()) && !sharedTable) {
                return "column " + table.sync().ownerColumn() + " must be your own user id; rows cannot be given to"
                        + " another user";
            }
        }
        return null;
    }
}
