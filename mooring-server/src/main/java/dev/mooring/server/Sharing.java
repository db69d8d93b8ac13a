package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.List;
import java.util.Objects;

/**
 * Who besides a row's owner may see and change rows of a synced table: rules in a small SQL subset, each a condition
 * over the row that names the requesting user as {@code :user}, e.g.
 * {@code id IN (SELECT event_id FROM shares WHERE shared_with_user_id = :user AND accepted_at IS NOT NULL)}. The owner
 * (the table's owner column) always sees and changes every row of theirs; these rules only add other users. The
 * grammar, and why it is not all of SQL, is in the README's "Shared data" section. Immutable.
 *
 * @param read          the rows other users see; {@code null}: only the owner
 * @param readColumns   the columns those users receive (the owner receives every column); empty: every column
 * @param update        the rows other users may update; {@code null}: only the owner
 * @param updateColumns the columns they may set; empty: every column but the owner column and {@code id}
 * @param delete        the rows other users may delete; {@code null}: only the owner
 * @param openReferences foreign-key columns that may name a row its writer cannot see (the user a share is for:
 *                       nobody sees another user's row before it is shared with them). Every other reference to a
 *                       synced table must name a row the writer may see.
 * @param subscribeBy    columns a device may narrow what it receives of this table by (a subscription: only some
 *                       groups, only the languages it downloaded); it can narrow, never widen, what the rules allow
 * @param ownedReferences foreign-key columns that must name a row the writer owns, not only one they may see (a
 *                       share's event: a recipient may not share on what was shared with them)
 */
public record Sharing(String read, List<String> readColumns, String update, List<String> updateColumns, String delete,
                      List<String> openReferences, List<String> subscribeBy, List<String> ownedReferences) {
    /** Only the owner sees and changes rows. */
    public static final Sharing NONE = new Sharing(null, List.of(), null, List.of(), null, List.of(), List.of(),
            List.of());

    public Sharing {
        readColumns = List.copyOf(Objects.requireNonNull(readColumns, "readColumns"));
        updateColumns = List.copyOf(Objects.requireNonNull(updateColumns, "updateColumns"));
        openReferences = List.copyOf(Objects.requireNonNull(openReferences, "openReferences"));
        subscribeBy = List.copyOf(Objects.requireNonNull(subscribeBy, "subscribeBy"));
        ownedReferences = List.copyOf(Objects.requireNonNull(ownedReferences, "ownedReferences"));
        read = blankToNull(read);
        update = blankToNull(update);
        delete = blankToNull(delete);
        if (read == null && !readColumns.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "read columns " + readColumns + " are given without a"
                    + " read rule; give the rule (read: {where: …, columns: …}) or leave the columns out.");
        }
        if (update == null && !updateColumns.isEmpty()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "update columns " + updateColumns + " are given without"
                    + " an update rule; give the rule (update: {where: …, columns: …}) or leave the columns out.");
        }
    }

    /** Whether any rule about other users is given (subscriptions only narrow, so they do not count). */
    public boolean shared() {
        return read != null || update != null || delete != null || !openReferences.isEmpty()
                || !ownedReferences.isEmpty();
    }

    public Sharing withRead(String rule, List<String> columns) {
        return new Sharing(rule, columns, update, updateColumns, delete, openReferences, subscribeBy, ownedReferences);
    }

    public Sharing withUpdate(String rule, List<String> columns) {
        return new Sharing(read, readColumns, rule, columns, delete, openReferences, subscribeBy, ownedReferences);
    }

    public Sharing withDelete(String rule) {
        return new Sharing(read, readColumns, update, updateColumns, rule, openReferences, subscribeBy, ownedReferences);
    }

    public Sharing withOpenReferences(List<String> columns) {
        return new Sharing(read, readColumns, update, updateColumns, delete, columns, subscribeBy, ownedReferences);
    }

    public Sharing withSubscribeBy(List<String> columns) {
        return new Sharing(read, readColumns, update, updateColumns, delete, openReferences, columns, ownedReferences);
    }

    public Sharing withOwnedReferences(List<String> columns) {
        return new Sharing(read, readColumns, update, updateColumns, delete, openReferences, subscribeBy, columns);
    }

    private static String blankToNull(String rule) {
        return rule == null || rule.isBlank() ? null : rule.strip();
    }
}
