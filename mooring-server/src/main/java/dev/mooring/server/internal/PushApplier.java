package dev.mooring.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.sync.ConflictRules;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.HybridClock;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies one node's pushed batch inside the caller's transaction: checks each change against the real schema and
 * the user's rights, decides it with {@link ConflictRules}, writes it stamped with its hybrid logical time and origin
 * node (the capture trigger records them), audits conflicts, and advances the sequence of each origin node in the
 * same transaction, so a re-sent batch, or a change that reaches the server both from its origin and relayed by a
 * peer, applies nothing twice.
 *
 * <p>The batch is applied in the order sent, in runs of consecutive changes of one origin (a batch of relays
 * interleaves origins). Each run is applied in bulk: the rows of each table are read and locked in three queries,
 * and the writes go to the server as JDBC batches, all under one savepoint. If anything in bulk fails (a value the
 * database refuses), that savepoint is rolled back and the changes are applied one by one, each under its own
 * savepoint, so the bad change is rejected with the database's reason and the rest still applies. A row changed twice
 * in one run takes the one-by-one path for its later changes, which then see the earlier one. Thread-safe: holds only
 * the catalog and the clock.
 */
public final class PushApplier {
    private final TableCatalog catalog;
    private final HybridClock clock;
    private final ObjectMapper json = new ObjectMapper();

    /** A change that passed the checks that need no database, with its (possibly clamped) time. */
    record Candidate(int index, RowChange change, TableCatalog.Table table, Hlc stamp, FeedPosition seen,
                             boolean relay) {
        String key() {
            return table.sync().name() + '\u0000' + change.id();
        }
    }

    /** What one change does: its result, the write (if any) and the conflict to audit (if any). */
    private record Plan(ChangeResult result, Consumer<RowWriter.Batch> write, ConflictRules.Decision conflict,
                        ServerRow row) {
    }

    public PushApplier(TableCatalog catalog, HybridClock clock) {
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * Applies a pushed batch. Most changes are the pushing node's own; a change whose {@code nodeId} is another node
     * is a relay (the pusher learned it from a peer). Everything about a change follows its origin node, whoever
     * pushes it: duplicates are spotted by the origin's sequence, what it had seen is the origin's basis and last
     * pull, the change log records the origin. A relay is refused when its origin belongs to another user, and
     * deferred (not applied, its sequence not used up) when it comes before earlier changes of its origin that have
     * not arrived yet, so no change is ever lost to the order in which copies reach the server.
     */
    public PushResponse apply(Connection c, String userId, PushRequest request) throws SQLException {
        String pusher = request.nodeId();
        Map<String, Origin> origins = claimNodes(c, userId, request);
        ChangeResult[] results = new ChangeResult[request.changes().size()];
        // runs of consecutive changes of one origin, applied in the order sent: the client sends each origin's changes
        // in sequence and interleaves origins by time, so a change made after its node took in another's change (an
        // edit of a row a peer inserted) is applied after it; grouping all of an origin's changes would not keep that
        List<List<Candidate>> runs = new ArrayList<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int i = 0; i < results.length; i++) {
            RowChange change = request.changes().get(i);
            Origin origin = origins.get(change.nodeId());
            if (origin.refusal() != null) {
                results[i] = rejected(change, origin.refusal());
                continue;
            }
            boolean relay = !pusher.equals(change.nodeId());
            if (relay ? change.clientSeq() < origin.next : change.clientSeq() <= origin.state().lastSeq()) {
                duplicates.add(i);
                continue;
            }
            if (relay && change.clientSeq() > origin.next) {
                results[i] = new ChangeResult(change.clientSeq(), ChangeStatus.DEFERRED, "change " + origin.next
                        + (change.clientSeq() - 1 > origin.next ? " to " + (change.clientSeq() - 1) : "") + " of node "
                        + change.nodeId() + " has not reached the server yet; this one waits for it and is sent again");
                continue;
            }
            origin.next = Math.max(origin.next, change.clientSeq() + 1);
            HybridClock.Receipt receipt = clock.receive(change.hlc());
            if (receipt.clamped()) {
                Nodes.skew(c, change.nodeId(), receipt.skewMs(), true);
            }
            TableCatalog.Table table = catalog.table(change.table()).orElse(null);
            String problem = WriteRules.check(table, change, userId);
            if (problem == null) {
                // uuid ids in any accepted spelling (upper case, as iOS prints them) name the row PostgreSQL has
                String canonical = canonicalId(table, change.id());
                if (canonical == null) {
                    problem = "id '" + change.id() + "' is not a uuid, which the id column of " + change.table() + " is";
                } else if (!canonical.equals(change.id())) {
                    change = new RowChange(change.table(), canonical, change.op(), change.values(), change.hlc(),
                            change.nodeId(), change.clientSeq(), change.basis(), change.fill());
                }
            }
            FeedPosition seen = problem == null ? FeedPosition.seenBy(change.basis(), origin.state().lastPulled()) : null;
            if (problem == null && seen == null) {
                problem = "basis '" + change.basis() + "' is not a cursor this server issued; send the cursor of"
                        + " the last pull applied when the change was made";
            }
            if (problem != null) {
                results[i] = rejected(change, problem);
                continue;
            }
            List<Candidate> run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (run == null || !run.get(0).change().nodeId().equals(change.nodeId())) {
                run = new ArrayList<>();
                runs.add(run);
            }
            run.add(new Candidate(i, change, table, receipt.effectiveRemote(), seen, relay));
        }
        WriteRules.rejectUnseenReferences(c, catalog, userId, runs, results);
        for (List<Candidate> run : runs) {
            if (run.isEmpty()) {
                continue;
            }
            String node = run.get(0).change().nodeId();
            // the capture trigger records the origin node, so the origin is not sent its own change in a pull
            RowWriter.stampSession(c, node, userId, "sync");
            List<Candidate> bulk = new ArrayList<>();
            List<Candidate> oneByOne = new ArrayList<>();
            Set<String> rowsInBulk = new HashSet<>();
            run.forEach(k -> (rowsInBulk.add(k.key()) ? bulk : oneByOne).add(k));
            if (!applyInBulk(c, userId, node, bulk, results)) {
                oneByOne.addAll(bulk);
                oneByOne.sort((a, b) -> Integer.compare(a.index(), b.index()));
            }
            for (Candidate candidate : oneByOne) {
                results[candidate.index()] = applyAlone(c, userId, node, candidate);
            }
            if (!node.equals(pusher)) {
                markRelayed(c, pusher, node, run);
            }
        }
        Map<Integer, String> rejectedBefore = RejectedChanges.of(c, request.changes(), duplicates);
        for (int i : duplicates) {
            RowChange change = request.changes().get(i);
            String reason = rejectedBefore.get(i);
            // a change rejected before and sent again (its answer was lost) is rejected again, never taken as had;
            // the current row is filled in below, as for any answer that carries one
            results[i] = reason == null ? new ChangeResult(change.clientSeq(), ChangeStatus.DUPLICATE, null, null)
                    : new ChangeResult(change.clientSeq(), ChangeStatus.REJECTED, reason, java.util.Map.of());
        }
        RejectedChanges.remember(c, request.changes(), results, duplicates,
                i -> origins.get(request.changes().get(i).nodeId()).refusal() == null);
        for (int i = 0; i < results.length; i++) {
            // every row an answer carries is read after all of the batch's writes: the client takes it once the batch
            // is answered, so the row right after one change would lack the batch's later changes (another origin's
            // edit, which the client has already and is not sent back) and undo them there
            ChangeResult result = results[i];
            if (result.status() == ChangeStatus.DUPLICATE || result.current() != null) {
                // (a rejection's current row is the row only when the user may still see it: currentRow decides)
                results[i] = new ChangeResult(result.clientSeq(), result.status(), result.reason(),
                        currentRow(c, userId, request.changes().get(i)));
            }
        }
        for (Map.Entry<String, Origin> origin : origins.entrySet()) {
            if (origin.getValue().refusal() == null && origin.getValue().next > origin.getValue().state().lastSeq() + 1) {
                Nodes.applied(c, origin.getKey(), origin.getValue().next - 1);
            }
        }
        return new PushResponse(Arrays.asList(results), clock.now());
    }

    /**
     * Names the pushing node on the change log entries its relays of {@code origin} wrote in this transaction: a pull
     * passes them over for it, as it passes over its own changes. The relaying node has them already, and one sent
     * back would land on its row after its own later changes to it, which it is not sent.
     */
    private static void markRelayed(Connection c, String pusher, String origin, List<Candidate> relays)
            throws SQLException {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        relays.forEach(k -> ids.computeIfAbsent(k.table().sync().name(), t -> new ArrayList<>()).add(k.change().id()));
        try (PreparedStatement ps = c.prepareStatement("UPDATE mooring.change_log SET relayed_by = ?"
                + " WHERE table_name = ? AND record_id = ANY(?) AND xid = pg_current_xact_id() AND origin_node = ?")) {
            for (Map.Entry<String, List<String>> table : ids.entrySet()) {
                ps.setString(1, pusher);
                ps.setString(2, table.getKey());
                ps.setArray(3, c.createArrayOf("text", table.getValue().toArray()));
                ps.setString(4, origin);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * A node whose changes a push carries: as registered, the sequence its next change must have (relays only; a
     * node's own changes are taken in the order it sends them), or why its changes are refused.
     */
    private static final class Origin {
        private final Nodes.Node state;
        private final String refusal;
        long next;

        Origin(Nodes.Node state, String refusal) {
            this.state = state;
            this.refusal = refusal;
            this.next = state == null ? 0 : state.lastSeq() + 1;
        }

        Nodes.Node state() {
            return state;
        }

        String refusal() {
            return refusal;
        }
    }

    /**
     * Registers and locks the pushing node and every origin of the batch, in node id order so that concurrent pushes
     * wait for each other rather than deadlock.
     *
     * @throws dev.mooring.core.MooringException {@code AUTHENTICATION} when the pushing node belongs to another user
     */
    private static Map<String, Origin> claimNodes(Connection c, String userId, PushRequest request) throws SQLException {
        String pusher = request.nodeId();
        Nodes.checkId(pusher);
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        ids.add(pusher);
        request.changes().forEach(change -> ids.add(change.nodeId()));
        Map<String, Origin> origins = new java.util.HashMap<>();
        for (String id : ids) {
            if (id.equals(pusher)) {
                origins.put(id, new Origin(Nodes.claim(c, id, userId), null));
            } else if (!Nodes.allowed(id)) {
                origins.put(id, new Origin(null, "the change is from node '" + id + "', which is not a node id"));
            } else {
                origins.put(id, Nodes.claimOrigin(c, id, userId).map(node -> new Origin(node, null))
                        .orElseGet(() -> new Origin(null, "the change was made by node " + id + ", which belongs to"
                                + " another user; peers exchange changes only between devices of the same user, so"
                                + " node " + pusher + " cannot relay it")));
            }
        }
        return origins;
    }

    /** Applies the candidates in bulk under one savepoint; {@code false} (and nothing applied) if that failed. */
    private boolean applyInBulk(Connection c, String userId, String node, List<Candidate> candidates,
                                ChangeResult[] results) throws SQLException {
        if (candidates.isEmpty()) {
            return true;
        }
        Savepoint savepoint = c.setSavepoint();
        try {
            Map<String, List<Candidate>> byTable = new LinkedHashMap<>();
            candidates.forEach(k -> byTable.computeIfAbsent(k.table().sync().name(), t -> new ArrayList<>()).add(k));
            RowWriter.Batch writes = new RowWriter.Batch();
            List<Map.Entry<Candidate, Plan>> plans = new ArrayList<>();
            for (List<Candidate> group : byTable.values()) {
                TableCatalog.Table table = group.get(0).table();
                Map<String, FeedPosition> seen = new LinkedHashMap<>();
                group.forEach(k -> seen.put(k.change().id(), k.seen()));
                Map<String, ServerRow> rows = ServerRow.readAll(c, table, seen, node, json);
                Map<String, Permissions.Rights> rights = WriteRules.rights(c, catalog, userId, table, rows);
                for (Candidate k : group) {
                    Plan plan = plan(userId, k, rows.get(k.change().id()), rights.get(k.change().id()));
                    results[k.index()] = plan.result();
                    plans.add(Map.entry(k, plan));
                    if (plan.write() != null) {
                        plan.write().accept(writes);
                    }
                }
            }
            writes.execute(c);
            for (Map.Entry<Candidate, Plan> planned : plans) {
                audit(c, planned.getValue(), planned.getKey());
            }
            c.releaseSavepoint(savepoint);
            return true;
        } catch (SQLException e) {
            c.rollback(savepoint);
            candidates.forEach(k -> results[k.index()] = null);
            return false;
        }
    }

    /** Applies one change under its own savepoint; a change the database refuses is rejected with its reason. */
    private ChangeResult applyAlone(Connection c, String userId, String node, Candidate k) throws SQLException {
        Savepoint savepoint = c.setSavepoint();
        try {
            ServerRow row = ServerRow.read(c, k.table(), k.change().id(), node, k.seen(), json);
            Plan plan = plan(userId, k, row, WriteRules.rights(c, catalog, userId, k.table(),
                    Map.of(k.change().id(), row)).get(k.change().id()));
            if (plan.write() != null) {
                RowWriter.Batch write = new RowWriter.Batch();
                plan.write().accept(write);
                write.execute(c);
            }
            audit(c, plan, k);
            c.releaseSavepoint(savepoint);
            return plan.result();
        } catch (SQLException e) {
            c.rollback(savepoint);
            if (!isDataError(e)) {
                // a deadlock, a time-out, a lost connection: nothing wrong with the change, so the whole batch fails
                // and the client retries it; rejecting would use up its sequence number and lose it for good
                throw e;
            }
            return rejected(k.change(), "the database refused it: " + firstLine(e.getMessage()));
        }
    }

    private void audit(Connection c, Plan plan, Candidate k) throws SQLException {
        if (plan.conflict() != null) {
            Conflicts.record(c, k.table(), k.change(), plan.row(), plan.conflict(), json);
        }
    }

    /**
     * Decides one change against the row as the server has it; {@code rights} are the user's on a row that exists and
     * is another user's ({@code null} otherwise).
     */
    private Plan plan(String userId, Candidate k, ServerRow current, Permissions.Rights rights) {
        RowChange change = k.change();
        TableCatalog.Table table = k.table();
        String owner = table.sync().ownerColumn();
        if (current.state().exists()) {
            String problem = WriteRules.problem(catalog, userId, change, table, current, rights);
            if (problem != null) {
                // a row they may still see comes back as the server has it, so their device undoes the refused edit
                boolean readable = rights != null && rights.read();
                return new Plan(new ChangeResult(change.clientSeq(), ChangeStatus.REJECTED, problem,
                        readable ? current.state().row() : null), null, null, current);
            }
        }
        ConflictRules.Decision decision = ConflictRules.decide(table.sync().rules(), change.op(), change.values(), k.stamp(),
                current.state());
        Consumer<RowWriter.Batch> write = null;
        switch (decision.action()) {
            case INSERT:
                // the fill's values (another origin's change the server has not had yet) make the row whole, and
                // get no time: that change, or any other real write, still wins them
                Map<String, JsonNode> row = new LinkedHashMap<>(change.fill());
                row.putAll(change.values());
                row.put("id", json.getNodeFactory().textNode(change.id()));
                row.putIfAbsent(owner, json.getNodeFactory().textNode(userId));
                if (!userId.equals(row.get(owner).asText())) {
                    // a table owned through its id (a users table): a new row's id must be the user's own
                    return new Plan(rejected(change, "rows of " + change.table() + " are owned through column " + owner
                            + ": you can only create your own (" + owner + " = your user id)"), null, null, current);
                }
                write = batch -> batch.insert(table, change.id(), row, k.stamp(), change.fill().keySet());
                break;
            case UPDATE:
                Map<String, JsonNode> values = new LinkedHashMap<>();
                decision.columns().forEach(col -> values.put(col, change.values().get(col)));
                if (decision.revive()) {
                    values.put(ConflictRules.TOMBSTONE_COLUMN, json.nullNode());
                }
                if (!values.isEmpty()) { // an upsert of no columns changes nothing
                    write = batch -> batch.update(table, change.id(), values, k.stamp());
                }
                break;
            case TOMBSTONE:
                write = batch -> batch.tombstone(table, change.id(), k.stamp());
                break;
            default:
                break;
        }
        ConflictRules.Decision audit = decision.conflict() == null ? null : decision;
        switch (decision.action()) {
            case SUPERSEDED:
                return new Plan(new ChangeResult(change.clientSeq(), ChangeStatus.SUPERSEDED, "a newer version on the"
                        + " server wins (" + decision.rule() + ")", rowAfter(current, decision, change)), null, audit,
                        current);
            case QUEUE:
                return new Plan(new ChangeResult(change.clientSeq(), ChangeStatus.CONFLICT_QUEUED, "edited on another"
                        + " device at the same time; the server keeps its version until someone resolves the conflict",
                        rowAfter(current, decision, change)), null, audit, current);
            default:
                boolean partly = decision.action() == ConflictRules.Action.UPDATE
                        && decision.columns().size() < change.values().size();
                // a relaying node is not sent its relays back in pulls: the answer is how it learns what an update
                // did to the row (brought a deleted row back, say), so it always carries the row
                boolean relayedUpdate = k.relay() && decision.action() == ConflictRules.Action.UPDATE;
                return new Plan(new ChangeResult(change.clientSeq(), ChangeStatus.APPLIED, null,
                        partly || relayedUpdate ? rowAfter(current, decision, change) : null), write, audit, current);
        }
    }

    /**
     * The row as it is once the decision is written, for a change that did not apply as sent: the client takes the
     * server's version of what it lost from it. {@code null} when the row does not exist. The answer carries the row
     * as the whole batch leaves it instead ({@link #apply} reads it again at the end).
     */
    private Map<String, JsonNode> rowAfter(ServerRow current, ConflictRules.Decision decision, RowChange change) {
        if (!current.state().exists()) {
            return null;
        }
        Map<String, JsonNode> row = new LinkedHashMap<>(current.state().row());
        if (decision.action() == ConflictRules.Action.UPDATE) {
            decision.columns().forEach(col -> row.put(col, change.values().get(col)));
            if (decision.revive()) {
                row.put(ConflictRules.TOMBSTONE_COLUMN, json.nullNode());
            }
        }
        return row;
    }

    /**
     * The row as the server has it now, after the batch's writes: for a change sent again (the client lost the first
     * answer, which may have carried the server's version of what the change lost) and for every answer that carries
     * a row. {@code null} when the row does not exist, is not the user's, or the table is not synced.
     */
    private Map<String, JsonNode> currentRow(Connection c, String userId, RowChange change) throws SQLException {
        TableCatalog.Table table = catalog.table(change.table()).orElse(null);
        String id = table == null ? null : canonicalId(table, change.id());
        if (id == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(r)::text FROM " + table.sqlName()
                + " r WHERE r.id = CAST(? AS " + table.columns().get("id") + ")")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Map<String, JsonNode> row = new LinkedHashMap<>();
                json.readTree(rs.getString(1)).fields().forEachRemaining(e -> row.put(e.getKey(), e.getValue()));
                String owner = table.sync().ownerColumn();
                if (owner == null || userId.equals(row.getOrDefault(owner, json.nullNode()).asText())) {
                    return row;
                }
                TableAccess access = catalog.access(table.sync().name()).orElse(null);
                if (access == null || !access.shared()
                        || !Permissions.of(c, access, userId, List.of(id)).getOrDefault(id, Permissions.Rights.NONE).read()) {
                    return null;
                }
                if (!access.readColumns().isEmpty()) {
                    row.keySet().retainAll(access.readColumns());
                }
                return row;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("PostgreSQL returned a row that is not JSON: " + e.getMessage(), e);
            }
        }
    }

    /** The id as PostgreSQL prints it: lower-case canonical for uuid columns; {@code null} when it is not one. */
    private static String canonicalId(TableCatalog.Table table, String id) {
        if (!"uuid".equals(table.columns().get("id"))) {
            return id;
        }
        try {
            return java.util.UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ChangeResult rejected(RowChange change, String reason) {
        return new ChangeResult(change.clientSeq(), ChangeStatus.REJECTED, reason);
    }

    /** SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the change itself is at fault. */
    private static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private static String firstLine(String message) {
        return message == null ? "no message" : message.lines().findFirst().orElse(message);
    }
}
