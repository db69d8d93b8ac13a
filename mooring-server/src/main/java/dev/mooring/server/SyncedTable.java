package dev.mooring.server;

import dev.mooring.sync.ConflictPolicy;
import dev.mooring.sync.DeletePolicy;
import dev.mooring.sync.Direction;
import dev.mooring.sync.TableRules;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.time.Duration;
import java.util.Objects;

/**
 * One synced table and its rules. Immutable; {@code withX} returns a changed copy.
 *
 * @param name           the table, optionally schema-qualified ({@code app.events}); clients use this name
 * @param ownerColumn    the column holding the owning user's id (rows a user may see and change); {@code null} for a
 *                       public-read table
 * @param publicRead     everyone pulls every row, nobody pushes
 * @param direction      two-way, or server-to-client only
 * @param conflictPolicy how concurrent edits are settled
 * @param deletePolicy   how a delete meets a concurrent edit
 * @param manualWindow   for {@link ConflictPolicy#MANUAL}: edits from two nodes this close in time conflict
 * @param sharing        who besides the owner sees and changes rows ({@link Sharing#NONE}: nobody)
 */
public record SyncedTable(String name, String ownerColumn, boolean publicRead, Direction direction,
                          ConflictPolicy conflictPolicy, DeletePolicy deletePolicy, Duration manualWindow,
                          Sharing sharing) {
    public static final String DEFAULT_OWNER_COLUMN = "user_id";
    public static final Duration DEFAULT_MANUAL_WINDOW = Duration.ofSeconds(1);
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]{0,62}";

    public SyncedTable {
        Objects.requireNonNull(name, "name");
        if (!name.matches(IDENTIFIER + "(\\." + IDENTIFIER + ")?")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "synced table '" + name + "' is not a plain table name:"
                    + " use letters, digits and underscores, optionally schema-qualified (app.events).");
        }
        if (publicRead) {
            ownerColumn = null;
        } else if (ownerColumn == null || !ownerColumn.matches(IDENTIFIER)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "synced table " + name + ": the owner column '"
                    + ownerColumn + "' is not a column name; name the column holding the owning user's id"
                    + " (default " + DEFAULT_OWNER_COLUMN + "), or declare the table public-read.");
        }
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(conflictPolicy, "conflictPolicy");
        Objects.requireNonNull(deletePolicy, "deletePolicy");
        Objects.requireNonNull(manualWindow, "manualWindow");
        if (manualWindow.isNegative() || manualWindow.isZero()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "synced table " + name
                    + ": the manual conflict window must be positive, was " + manualWindow);
        }
        Objects.requireNonNull(sharing, "sharing");
        if (publicRead && sharing.shared()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "synced table " + name + " is public-read: everyone"
                    + " sees it and nobody pushes, so read, update and delete rules mean nothing; remove them or"
                    + " 'public-read'.");
        }
    }

    /** A table without sharing rules. */
    public SyncedTable(String name, String ownerColumn, boolean publicRead, Direction direction,
                       ConflictPolicy conflictPolicy, DeletePolicy deletePolicy, Duration manualWindow) {
        this(name, ownerColumn, publicRead, direction, conflictPolicy, deletePolicy, manualWindow, Sharing.NONE);
    }

    /** A two-way table owned through {@code user_id}, last writer wins per column, update wins over delete. */
    public static SyncedTable owned(String name) {
        return new SyncedTable(name, DEFAULT_OWNER_COLUMN, false, Direction.TWO_WAY, ConflictPolicy.LWW_COLUMN,
                DeletePolicy.UPDATE_WINS, DEFAULT_MANUAL_WINDOW);
    }

    /** A table every user pulls and nobody pushes. */
    public static SyncedTable publicRead(String name) {
        return new SyncedTable(name, null, true, Direction.SERVER_TO_CLIENT, ConflictPolicy.LWW_COLUMN,
                DeletePolicy.UPDATE_WINS, DEFAULT_MANUAL_WINDOW);
    }

    public SyncedTable withOwnerColumn(String column) {
        return new SyncedTable(name, column, false, direction, conflictPolicy, deletePolicy, manualWindow, sharing);
    }

    public SyncedTable withDirection(Direction direction) {
        return new SyncedTable(name, ownerColumn, publicRead, direction, conflictPolicy, deletePolicy, manualWindow, sharing);
    }

    public SyncedTable withConflictPolicy(ConflictPolicy policy) {
        return new SyncedTable(name, ownerColumn, publicRead, direction, policy, deletePolicy, manualWindow, sharing);
    }

    public SyncedTable withDeletePolicy(DeletePolicy policy) {
        return new SyncedTable(name, ownerColumn, publicRead, direction, conflictPolicy, policy, manualWindow, sharing);
    }

    public SyncedTable withManualWindow(Duration window) {
        return new SyncedTable(name, ownerColumn, publicRead, direction, conflictPolicy, deletePolicy, window, sharing);
    }

    /** The same table with these sharing rules. */
    public SyncedTable withSharing(Sharing rules) {
        return new SyncedTable(name, ownerColumn, publicRead, direction, conflictPolicy, deletePolicy, manualWindow, rules);
    }

    /** The table's conflict rules as clients receive them in the handshake. */
    public TableRules rules() {
        return new TableRules(conflictPolicy, deletePolicy, manualWindow.toMillis(), acceptsPushes());
    }

    /** Whether clients may push changes of this table. */
    public boolean acceptsPushes() {
        return !publicRead && direction == Direction.TWO_WAY;
    }
}
