package dev.mooring.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.RowWriter;
import dev.mooring.server.internal.SqlValues;
import dev.mooring.server.internal.TableCatalog;
import dev.mooring.server.internal.Transactions;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The conflict queue: every audited conflict, and the manual ones a person resolves. A resolution that writes (client
 * or merged) goes through the same row writer as pushes, stamped with the server clock, so it is captured in the
 * change log and reaches every client on its next pull. Callers that pass an owner see and resolve only that user's
 * conflicts; the admin CLI passes {@code null}. Thread-safe; one instance per server.
 *
 * <pre>{@code
 * ConflictQueue queue = ConflictQueue.create(dataSource, sync);
 * List<Conflict> waiting = queue.list("user-1", true, 50);
 * queue.resolve(waiting.get(0).id(), "user-1", Resolution.client(), "user-1");
 * }</pre>
 */
public final class ConflictQueue {
    public static final int MAX_LIST = 10_000;

    private static final String COLUMNS = "id, table_name, record_id, audience, server_version::text,"
            + " client_version::text, client_node, client_hlc, rule, result, status, created_at, resolved_at, resolved_by";

    private final DataSource dataSource;
    private final SyncService sync;
    private final ObjectMapper json = new ObjectMapper();

    private ConflictQueue(DataSource dataSource, SyncService sync) {
        this.dataSource = dataSource;
        this.sync = sync;
    }

    /** A queue over the database {@code sync} serves. */
    public static ConflictQueue create(DataSource dataSource, SyncService sync) {
        return new ConflictQueue(Objects.requireNonNull(dataSource, "dataSource"), Objects.requireNonNull(sync, "sync"));
    }

    /**
     * Conflicts, newest first.
     *
     * @param ownerOrNull only this user's conflicts; {@code null} for everyone's
     * @param pendingOnly only those waiting for a person
     * @throws MooringException {@code USAGE} for a limit outside 1..{@value #MAX_LIST}
     */
    public List<Conflict> list(String ownerOrNull, boolean pendingOnly, int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw new MooringException(ErrorCode.USAGE, "limit must be between 1 and " + MAX_LIST + ", was " + limit);
        }
        String sql = "SELECT " + COLUMNS + " FROM mooring.conflicts WHERE (?::text IS NULL OR audience = ?)"
                + (pendingOnly ? " AND status = 'pending'" : "") + " ORDER BY created_at DESC, id DESC LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, ownerOrNull);
            ps.setString(2, ownerOrNull);
            ps.setInt(3, limit);
            List<Conflict> conflicts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    conflicts.add(conflict(rs));
                }
            }
            return conflicts;
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not list conflicts: " + e.getMessage(), e);
        }
    }

    /**
     * Settles a pending conflict in one transaction: writes the chosen version to the row (nothing for
     * {@link Resolution.Choice#SERVER}) and marks the conflict resolved. A written resolution is a change like any
     * other: captured, stamped with the server clock, pulled by every node of the owner.
     *
     * @param ownerOrNull the user resolving their own conflict; {@code null} for an administrator
     * @param resolvedBy  who resolved it, recorded with the conflict and the change
     * @return the conflict as resolved
     * @throws MooringException {@code USAGE} for a conflict that does not exist or is not the owner's, one already
     *                          resolved, values naming a column the table does not have or changing the id or owner,
     *                          or a row that no longer exists
     */
    public Conflict resolve(long id, String ownerOrNull, Resolution resolution, String resolvedBy) {
        Objects.requireNonNull(resolution, "resolution");
        if (resolvedBy == null || resolvedBy.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "say who resolves the conflict; resolvedBy was "
                    + (resolvedBy == null ? "missing" : "blank"));
        }
        return Transactions.run(dataSource, "Could not resolve conflict " + id, c -> {
            Conflict conflict = lock(c, id, ownerOrNull);
            Map<String, JsonNode> written = switch (resolution.choice()) {
                case SERVER -> null;
                case CLIENT -> fields(conflict.clientVersion());
                case MERGED -> resolution.values();
            };
            if (written != null) {
                write(c, conflict, written, resolvedBy);
            }
            return markResolved(c, id, resolution.choice(), written, resolvedBy);
        });
    }

    /** The pending conflict, locked until the transaction ends; another owner's is reported as missing. */
    private Conflict lock(Connection c, long id, String ownerOrNull) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM mooring.conflicts WHERE id = ?"
                + " FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                Conflict conflict = rs.next() ? conflict(rs) : null;
                if (conflict == null || (ownerOrNull != null && !ownerOrNull.equals(conflict.owner()))) {
                    throw new MooringException(ErrorCode.USAGE, "no conflict " + id);
                }
                if (!conflict.pending()) {
                    throw new MooringException(ErrorCode.USAGE, "conflict " + id + " is already resolved ("
                            + conflict.result() + (conflict.resolvedBy() == null ? ", by the rule " + conflict.rule()
                            : ", by " + conflict.resolvedBy() + " at " + conflict.resolvedAt()) + ")");
                }
                return conflict;
            }
        }
    }

    /** Writes the winning columns to the row, checked against the real table, as a captured server change. */
    private void write(Connection c, Conflict conflict, Map<String, JsonNode> values, String resolvedBy)
            throws SQLException {
        TableCatalog.Table table = sync.catalog().table(conflict.table()).orElseThrow(() -> new MooringException(
                ErrorCode.USAGE, "table " + conflict.table() + " is no longer synced; only keeping the server's"
                + " version can resolve conflict " + conflict.id()));
        String problem = RowWriter.problem(table, conflict.recordId(), values);
        if (problem != null) {
            throw new MooringException(ErrorCode.USAGE, "cannot resolve conflict " + conflict.id() + ": " + problem);
        }
        String owner = table.sync().ownerColumn();
        JsonNode givenOwner = values.get(owner);
        if (givenOwner != null && !conflict.owner().equals(givenOwner.asText())) {
            throw new MooringException(ErrorCode.USAGE, "cannot resolve conflict " + conflict.id() + ": column " + owner
                    + " says who owns the row and cannot be changed by a resolution");
        }
        Map<String, JsonNode> columns = new LinkedHashMap<>(values);
        columns.remove("id");
        columns.remove(owner);
        if (columns.isEmpty()) {
            return;
        }
        if (owner != null && !conflict.owner().equals(currentOwner(c, table, conflict.recordId(), owner))) {
            // the row moved to another user (or is gone) since the conflict was queued: its old owner may not write it
            throw new MooringException(ErrorCode.USAGE, "cannot resolve conflict " + conflict.id() + ": row "
                    + conflict.recordId() + " of " + conflict.table() + " no longer exists or is no longer yours;"
                    + " keep the server's version");
        }
        RowWriter.stampSession(c, "server", resolvedBy, "api");
        RowWriter.stampHlc(c, sync.clock().now());
        Savepoint savepoint = c.setSavepoint();
        try {
            if (RowWriter.update(c, table, conflict.recordId(), columns) == 0) {
                throw new MooringException(ErrorCode.USAGE, "cannot resolve conflict " + conflict.id() + ": row "
                        + conflict.recordId() + " of " + conflict.table() + " no longer exists; keep the server's version");
            }
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (state == null || !(state.startsWith("22") || state.startsWith("23"))) {
                throw e;
            }
            c.rollback(savepoint);
            // values of the wrong type or breaking a constraint: the request's fault, not the server's
            throw new MooringException(ErrorCode.USAGE, "cannot resolve conflict " + conflict.id() + " with these"
                    + " values: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** The row's owner as it is now, locked; {@code null} when the row is gone. */
    private static String currentOwner(Connection c, TableCatalog.Table table, String id, String ownerColumn)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TableCatalog.quote(ownerColumn) + "::text FROM "
                + table.sqlName() + " WHERE id = CAST(? AS " + table.columns().get("id") + ") FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private Conflict markResolved(Connection c, long id, Resolution.Choice choice, Map<String, JsonNode> written,
                                  String resolvedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE mooring.conflicts SET status = 'resolved', result = ?,"
                + " resolved_values = ?::jsonb, resolved_at = now(), resolved_by = ? WHERE id = ? RETURNING " + COLUMNS)) {
            ps.setString(1, choice.name().toLowerCase(Locale.ROOT));
            ps.setString(2, written == null ? null : RowWriter.document(written));
            ps.setString(3, resolvedBy);
            ps.setLong(4, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return conflict(rs);
            }
        }
    }

    private Conflict conflict(ResultSet rs) throws SQLException {
        return new Conflict(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), parse(rs.getString(5)),
                parse(rs.getString(6)), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11), SqlValues.instant(rs, 12), SqlValues.instant(rs, 13), rs.getString(14));
    }

    private static Map<String, JsonNode> fields(JsonNode object) {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        if (object != null) {
            object.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        }
        return fields;
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MooringException(ErrorCode.INTERNAL, "a conflict holds a version that is not JSON: " + e.getMessage(), e);
        }
    }
}
