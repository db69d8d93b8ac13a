package dev.mooring.server.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * Who may see and change what on the server now, worked out in plain SQL written from the sharing rules of
 * {@link dev.mooring.server.SharingTest#RULES} (not with the server's own compiled rules, which are what is under
 * test): the simulation's oracle. Its reading of the rules: a user sees their own rows; the users they share with or
 * who share with them (only {@code display_name}); events shared with them directly or through a group shared with
 * them, once accepted; those groups and their memberships; and the shares made to them. They may change the title
 * and notes of events shared with them for editing, and accept or leave the shares made to them. Rows a rule passes
 * through count only while live; the row itself must be live to be seen (the update rule, like the server's, does not
 * look at the row's own {@code deleted_at}). Stateless but for the data source; thread-safe.
 */
final class Visibility {
    /** Each table's owner column. */
    static final Map<String, String> OWNER = Map.of("users", "id", "events", "user_id", "groups", "user_id",
            "event_groups", "user_id", "shares", "user_id");

    private static final String ACCEPTED = """
            me AS (SELECT CAST(? AS uuid) AS id),
            accepted AS (SELECT s.event_id, s.group_id, s.permission FROM shares s, me
                          WHERE s.deleted_at IS NULL AND s.shared_with_user_id = me.id AND s.accepted_at IS NOT NULL)
            """;
    /** Every live row the user may see, as it reaches them: table, id, JSON. */
    private static final String VISIBLE = "WITH " + ACCEPTED + """
            SELECT 'users', u.id::text,
                   CASE WHEN u.id = me.id THEN row_to_json(u)::text
                        ELSE json_build_object('id', u.id, 'display_name', u.display_name)::text END
              FROM users u, me
             WHERE u.deleted_at IS NULL
               AND (u.id = me.id
                    OR u.id IN (SELECT s.user_id FROM shares s
                                 WHERE s.deleted_at IS NULL AND s.shared_with_user_id = me.id)
                    OR u.id IN (SELECT s.shared_with_user_id FROM shares s
                                 WHERE s.deleted_at IS NULL AND s.user_id = me.id))
            UNION ALL
            SELECT 'events', e.id::text, row_to_json(e)::text FROM events e, me
             WHERE e.deleted_at IS NULL
               AND (e.user_id = me.id OR e.id IN (SELECT event_id FROM accepted)
                    OR e.id IN (SELECT m.event_id FROM event_groups m WHERE m.deleted_at IS NULL
                                   AND m.group_id IN (SELECT group_id FROM accepted)))
            UNION ALL
            SELECT 'groups', g.id::text, row_to_json(g)::text FROM groups g, me
             WHERE g.deleted_at IS NULL AND (g.user_id = me.id OR g.id IN (SELECT group_id FROM accepted))
            UNION ALL
            SELECT 'event_groups', m.id::text, row_to_json(m)::text FROM event_groups m, me
             WHERE m.deleted_at IS NULL AND (m.user_id = me.id OR m.group_id IN (SELECT group_id FROM accepted))
            UNION ALL
            SELECT 'shares', s.id::text, row_to_json(s)::text FROM shares s, me
             WHERE s.deleted_at IS NULL AND (s.user_id = me.id OR s.shared_with_user_id = me.id)
            """;
    /** Rows of other users the user may update, live or not: table, id. */
    private static final String UPDATABLE = "WITH " + ACCEPTED + """
            SELECT 'events', e.id::text FROM events e, me
             WHERE e.user_id <> me.id
               AND (e.id IN (SELECT event_id FROM accepted WHERE permission = 'edit')
                    OR e.id IN (SELECT m.event_id FROM event_groups m WHERE m.deleted_at IS NULL
                                   AND m.group_id IN (SELECT group_id FROM accepted WHERE permission = 'edit')))
            UNION ALL
            SELECT 'shares', s.id::text FROM shares s, me WHERE s.user_id <> me.id AND s.shared_with_user_id = me.id
            """;

    private final DataSource ds;
    private final ObjectMapper json = new ObjectMapper();

    Visibility(DataSource ds) {
        this.ds = ds;
    }

    /** The live rows {@code userId} may see now, as "table\0id" to the columns a device of theirs holds. */
    Map<String, Map<String, JsonNode>> visible(String userId) throws SQLException {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(VISIBLE)) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1) + '\u0000' + rs.getString(2), object(rs.getString(3)));
                }
            }
        }
        return rows;
    }

    /** The rows of other users {@code userId} may update now, as "table\0id". */
    Set<String> updatable(String userId) throws SQLException {
        Set<String> rows = new HashSet<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(UPDATABLE)) {
            ps.setString(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + '\u0000' + rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** The rows among {@code keys} ("table\0id") the server has, tombstones included, to their columns. */
    Map<String, Map<String, JsonNode>> rows(Collection<String> keys) throws SQLException {
        Map<String, List<String>> ids = new TreeMap<>();
        keys.forEach(key -> ids.computeIfAbsent(key.substring(0, key.indexOf('\u0000')), t -> new ArrayList<>())
                .add(key.substring(key.indexOf('\u0000') + 1)));
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection()) {
            for (Map.Entry<String, List<String>> table : ids.entrySet()) {
                if (!OWNER.containsKey(table.getKey())) {
                    continue;
                }
                try (PreparedStatement ps = c.prepareStatement("SELECT id::text, row_to_json(r)::text FROM "
                        + table.getKey() + " r WHERE r.id::text = ANY(?)")) {
                    ps.setArray(1, c.createArrayOf("text", table.getValue().toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.put(table.getKey() + '\u0000' + rs.getString(1), object(rs.getString(2)));
                        }
                    }
                }
            }
        }
        return rows;
    }

    /** Every row on the server, tombstones included, as "table\0id" to its columns. */
    Map<String, Map<String, JsonNode>> all() throws SQLException {
        Map<String, Map<String, JsonNode>> rows = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : OWNER.keySet()) {
                try (ResultSet rs = s.executeQuery("SELECT id::text, row_to_json(r)::text FROM " + table + " r")) {
                    while (rs.next()) {
                        rows.put(table + '\u0000' + rs.getString(1), object(rs.getString(2)));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * The rows the shared feed names for {@code userId} after the position a cursor ({@code c1.<xid>.<seq>}, or a
     * bootstrap's {@code b1.<xmin>.…}) has reached: what a pull from that cursor has still to deliver, as
     * "table\0id".
     */
    Set<String> feedAfter(String userId, String cursor) throws SQLException {
        long xid = 0;
        long seq = 0;
        if (cursor != null && !cursor.isEmpty()) {
            String[] parts = cursor.split("\\.");
            xid = Long.parseLong(parts[1]);
            seq = parts[0].equals("c1") ? Long.parseLong(parts[2]) : 0;
        }
        Set<String> rows = new HashSet<>();
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT table_name, record_id FROM mooring.shared_feed"
                     + " WHERE audience = ? AND (xid, seq) > (?::xid8, ?)")) {
            ps.setString(1, userId);
            ps.setString(2, Long.toString(xid));
            ps.setLong(3, seq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + '\u0000' + rs.getString(2));
                }
            }
        }
        return rows;
    }

    /** The owner of a row ("table\0id") with these columns, as a device or the server holds it. */
    static String owner(String key, Map<String, JsonNode> values) {
        String table = key.substring(0, key.indexOf('\u0000'));
        if (OWNER.get(table).equals("id")) {
            return key.substring(key.indexOf('\u0000') + 1);
        }
        JsonNode owner = values.get(OWNER.get(table));
        return owner == null || owner.isNull() ? null : owner.asText();
    }

    /**
     * Whether two column values are the same: equal (a missing value is null), or one instant written two ways (the
     * app's ISO-8601 text and PostgreSQL's).
     */
    static boolean same(JsonNode a, JsonNode b) {
        JsonNode x = a == null ? NullNode.getInstance() : a;
        JsonNode y = b == null ? NullNode.getInstance() : b;
        if (x.equals(y)) {
            return true;
        }
        Instant first = x.isTextual() ? instant(x.asText()) : null;
        return first != null && y.isTextual() && first.equals(instant(y.asText()));
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private Map<String, JsonNode> object(String text) throws SQLException {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        try {
            json.readTree(text).properties().forEach(e -> values.put(e.getKey(), e.getValue()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("PostgreSQL returned a row that is not JSON: " + e.getMessage(), e);
        }
        return values;
    }
}
