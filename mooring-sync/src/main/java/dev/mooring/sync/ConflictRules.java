package dev.mooring.sync;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides what a change does to a row that may have changed elsewhere: the table's conflict and delete policies
 * applied to the row's current state. The server runs it for every pushed change; a client runs the same rules
 * when a pulled change meets a local change it has not pushed yet, so both sides settle a conflict alike. Pure: no
 * I/O, so every rule is testable on its own. Stateless, thread-safe.
 *
 * <p>"Unseen" is the concurrency test: a change another node made to the row that this node had not pulled when
 * it pushed. A change this node had seen is not a conflict, whatever the clocks say.
 */
public final class ConflictRules {
    /** The tombstone column every synced table has: a row with it set is deleted. */
    public static final String TOMBSTONE_COLUMN = "deleted_at";

    /**
     * The changes of the row by other nodes that the pushing node had not pulled.
     *
     * @param hlc     the newest one's time
     * @param node    the newest one's node
     * @param columns every column they changed; {@code null} when one inserted or deleted the row (all columns)
     */
    public record Unseen(Hlc hlc, String node, Set<String> columns) {
        /** Whether the unseen changes touched {@code column}. */
        public boolean touched(String column) {
            return columns == null || columns.contains(column);
        }
    }

    /**
     * The row as the server has it.
     *
     * @param exists     whether a row with that id exists (live or tombstoned)
     * @param tombstoned whether its {@code deleted_at} is set
     * @param row        its columns, empty when it does not exist
     * @param columnHlcs the hybrid logical time of each column updated since the row was inserted
     * @param baseHlc    the time of the row's insert: that of every column not in {@code columnHlcs}
     *                   (the zero time when never stamped)
     * @param rowHlc     the time of the row's last write (the zero time when never stamped)
     * @param unseen     see {@link Unseen}; {@code null} when there is none
     */
    public record RowState(boolean exists, boolean tombstoned, Map<String, JsonNode> row, Map<String, Hlc> columnHlcs,
                           Hlc baseHlc, Hlc rowHlc, Unseen unseen) {
        /** The time of {@code column}'s value. */
        public Hlc columnHlc(String column) {
            return columnHlcs.getOrDefault(column, baseHlc);
        }
    }

    /** What to do. */
    public enum Action { INSERT, UPDATE, TOMBSTONE, NONE, SUPERSEDED, QUEUE }

    /**
     * @param action   what to write
     * @param columns  for INSERT/UPDATE, the incoming columns to write
     * @param revive   for UPDATE, also clear {@code deleted_at} (an edit brings a deleted row back)
     * @param rule     the rule that decided, for the audit ({@code lww-column}, {@code update-wins}, …)
     * @param conflict {@code null} when nothing concurrent was involved; otherwise the audit's result, from the
     *                 incoming change's side: {@code client} (it wins, and the row keeps nothing of the other
     *                 side's edits), {@code server} (it loses whole), {@code merged} (the row keeps edits of both:
     *                 some of its columns, and some the other side set; edits of different columns merge so) or
     *                 {@code pending} (queued for a person)
     */
    public record Decision(Action action, Set<String> columns, boolean revive, String rule, String conflict) {
    }

    private ConflictRules() {
    }

    /**
     * What {@code op} with {@code values}, made at {@code stamp}, does to a row in {@code state} under {@code table}'s
     * rules.
     */
    public static Decision decide(TableRules table, Operation op, Map<String, JsonNode> values, Hlc stamp,
                                  RowState state) {
        return op == Operation.DELETE ? delete(table, stamp, state) : upsert(table, values, stamp, state);
    }

    private static Decision delete(TableRules table, Hlc stamp, RowState state) {
        String rule = table.deletePolicy().configName();
        if (!state.exists() || state.tombstoned()) {
            return new Decision(Action.NONE, Set.of(), false, rule, null);
        }
        switch (table.deletePolicy()) {
            case DELETE_WINS:
                return new Decision(Action.TOMBSTONE, Set.of(), false, rule, state.unseen() == null ? null : "client");
            case NEWEST_WINS:
                return stamp.compareTo(state.rowHlc()) > 0
                        ? new Decision(Action.TOMBSTONE, Set.of(), false, rule, state.unseen() == null ? null : "client")
                        : new Decision(Action.SUPERSEDED, Set.of(), false, rule, "server");
            default: // UPDATE_WINS: a delete of a row someone else changed meanwhile keeps their version
                return state.unseen() != null
                        ? new Decision(Action.SUPERSEDED, Set.of(), false, rule, "server")
                        : new Decision(Action.TOMBSTONE, Set.of(), false, rule, null);
        }
    }

    private static Decision upsert(TableRules table, Map<String, JsonNode> values, Hlc stamp, RowState state) {
        if (!state.exists()) {
            return new Decision(Action.INSERT, values.keySet(), false, table.conflictPolicy().configName(), null);
        }
        if (state.tombstoned() && !values.containsKey(TOMBSTONE_COLUMN)) {
            return editOfDeleted(table, values, stamp, state);
        }
        String rule = table.conflictPolicy().configName();
        boolean concurrent = state.unseen() != null;
        switch (table.conflictPolicy()) {
            case CLIENT_WINS:
                return new Decision(Action.UPDATE, values.keySet(), false, rule, concurrent ? "client" : null);
            case SERVER_WINS:
                return concurrent ? new Decision(Action.SUPERSEDED, Set.of(), false, rule, "server")
                        : new Decision(Action.UPDATE, values.keySet(), false, rule, null);
            case LWW_ROW:
                return stamp.compareTo(state.rowHlc()) > 0
                        ? new Decision(Action.UPDATE, values.keySet(), false, rule, concurrent ? "client" : null)
                        : new Decision(Action.SUPERSEDED, Set.of(), false, rule, concurrent ? "server" : null);
            case MANUAL:
                if (concurrent && within(stamp, state.unseen().hlc(), Duration.ofMillis(table.manualWindowMs()))
                        && differs(values, state.row(), state.unseen())) {
                    return new Decision(Action.QUEUE, Set.of(), false, rule, "pending");
                }
                return perColumn(values, stamp, state, "lww-column");
            default:
                return perColumn(values, stamp, state, rule);
        }
    }

    /** Last writer wins column by column: the incoming columns newer than the server's are written. */
    private static Decision perColumn(Map<String, JsonNode> values, Hlc stamp, RowState state, String rule) {
        Set<String> winners = newer(values, stamp, state);
        boolean concurrent = state.unseen() != null;
        if (winners.isEmpty()) {
            return new Decision(Action.SUPERSEDED, Set.of(), false, rule, concurrent ? "server" : null);
        }
        String conflict = !concurrent ? null
                : winners.size() == values.size() && !keepsOthers(state.unseen(), winners) ? "client" : "merged";
        return new Decision(Action.UPDATE, winners, false, rule, conflict);
    }

    /**
     * Whether a column the unseen changes set keeps their value: one the incoming change does not write. Then the row
     * holds edits of both sides ({@code merged}), even when the incoming change wins every column it sets. Unknown
     * (an insert or delete, every column) counts as no.
     */
    private static boolean keepsOthers(Unseen unseen, Set<String> winners) {
        return unseen.columns() != null && !winners.containsAll(unseen.columns());
    }

    /**
     * An edit of a row that is deleted on the server. Where the edit beats the delete the row comes back, but only
     * the edit's columns newer than the row's own are written: a deleted row keeps its columns and their times, and
     * an edit made before a newer edit of the same column (one the delete came after) must not undo that edit just
     * because a delete came in between.
     */
    private static Decision editOfDeleted(TableRules table, Map<String, JsonNode> values, Hlc stamp, RowState state) {
        String rule = table.deletePolicy().configName();
        switch (table.deletePolicy()) {
            case DELETE_WINS:
                return new Decision(Action.SUPERSEDED, Set.of(), false, rule, "server");
            case NEWEST_WINS:
                return stamp.compareTo(state.columnHlc(TOMBSTONE_COLUMN)) > 0
                        ? new Decision(Action.UPDATE, newer(values, stamp, state), true, rule, "client")
                        : new Decision(Action.SUPERSEDED, Set.of(), false, rule, "server");
            default: // UPDATE_WINS: the edit is kept and the row comes back
                return new Decision(Action.UPDATE, newer(values, stamp, state), true, rule, "client");
        }
    }

    /** The columns of {@code values} whose time on the server is older than {@code stamp}. */
    private static Set<String> newer(Map<String, JsonNode> values, Hlc stamp, RowState state) {
        Set<String> winners = new LinkedHashSet<>();
        for (String column : values.keySet()) {
            if (stamp.compareTo(state.columnHlc(column)) > 0) {
                winners.add(column);
            }
        }
        return winners;
    }

    private static boolean within(Hlc a, Hlc b, Duration window) {
        return Math.abs(a.physicalMs() - b.physicalMs()) <= window.toMillis();
    }

    /** Whether the push sets a column the other node also changed, to a different value: edits of disjoint columns merge. */
    private static boolean differs(Map<String, JsonNode> values, Map<String, JsonNode> row, Unseen unseen) {
        return values.entrySet().stream()
                .anyMatch(e -> unseen.touched(e.getKey()) && !e.getValue().equals(row.get(e.getKey())));
    }
}
