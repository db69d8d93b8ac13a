package dev.mooring.server.client;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What the apps of a shared calendar do on the simulated devices, as plain SQL on the rows the device holds: owners
 * create, edit and delete events and groups, put events in groups and take them out, share an event or a group with
 * another user for viewing or editing, change a share's permission and unshare; recipients accept shares and leave
 * them, edit events shared with them, and try what the rules refuse them (deleting a shared event, outright or by
 * setting its {@code deleted_at}, changing a share's permission, renaming a shared group, renaming another user). The
 * app does not know what the server will allow: a write is tried whatever the device's copy of the shares says.
 * Every write is entered in the {@link WriteLedger}. Not thread-safe.
 */
final class SharedApps {
    static final Map<String, List<String>> COLUMNS = Map.of(
            "users", List.of("email", "display_name"),
            "events", List.of("user_id", "title", "notes"),
            "groups", List.of("user_id", "name"),
            "event_groups", List.of("user_id", "event_id", "group_id"),
            "shares", List.of("user_id", "shared_with_user_id", "event_id", "group_id", "permission", "accepted_at"));
    /** The client's tables: {@code users.email} may be null, as another user's row arrives without it. */
    static final SimulatedDevice.Tables TABLES = new SimulatedDevice.Tables("""
            CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, display_name TEXT NOT NULL DEFAULT '',
                                deleted_at TEXT);
            CREATE TABLE events (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, title TEXT NOT NULL, notes TEXT,
                                 deleted_at TEXT);
            CREATE TABLE "groups" (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, deleted_at TEXT);
            CREATE TABLE event_groups (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, event_id TEXT NOT NULL,
                                       group_id TEXT NOT NULL, deleted_at TEXT);
            CREATE TABLE shares (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, shared_with_user_id TEXT NOT NULL,
                                 event_id TEXT, group_id TEXT, permission TEXT NOT NULL DEFAULT 'view',
                                 accepted_at TEXT, deleted_at TEXT)
            """, COLUMNS);
    private static final Instant EPOCH = Instant.parse("2027-01-01T08:00:00Z");

    private final Random random;
    private final WriteLedger ledger;
    private final List<String> users;
    /** How often the apps did each kind of write. */
    private final Map<String, Integer> done = new TreeMap<>();
    private int counter;

    SharedApps(Random random, WriteLedger ledger, List<String> users) {
        this.random = random;
        this.ledger = ledger;
        this.users = users;
    }

    Map<String, Integer> done() {
        return done;
    }

    /**
     * The device's app makes one write, as an owner or as a recipient; what it picks may find nothing to act on (no
     * share received yet), and after three such picks it creates an event.
     */
    void act(SimulatedDevice device) throws SQLException {
        for (int tries = 0; tries < 3; tries++) {
            int roll = random.nextInt(100);
            if (random.nextInt(100) < 55 ? asOwner(device, roll) : asRecipient(device, roll)) {
                return;
            }
        }
        createEvent(device);
    }

    private boolean asOwner(SimulatedDevice device, int roll) throws SQLException {
        if (roll < 16) {
            createEvent(device);
            return true;
        }
        if (roll < 30) {
            return edit(device, pick(device, "SELECT id FROM events WHERE deleted_at IS NULL AND user_id = ?"),
                    "events", "edit own event", eventColumns());
        }
        if (roll < 34) {
            return deleteWithLinks(device, "events", "event_id", "delete own event");
        }
        if (roll < 40) {
            insert(device, "groups", "create group", "user_id", device.user, "name", "group " + ++counter);
            return true;
        }
        if (roll < 44) {
            return edit(device, pick(device, "SELECT id FROM \"groups\" WHERE deleted_at IS NULL AND user_id = ?"),
                    "groups", "rename own group", Map.of("name", "group " + ++counter));
        }
        if (roll < 46) {
            return deleteWithLinks(device, "groups", "group_id", "delete own group");
        }
        if (roll < 58) {
            return addToGroup(device);
        }
        if (roll < 63) {
            return delete(device, pick(device, "SELECT id FROM event_groups WHERE deleted_at IS NULL AND user_id = ?"),
                    "event_groups", "take event out of group");
        }
        if (roll < 78) {
            return share(device);
        }
        if (roll < 86) {
            return edit(device, pick(device, "SELECT id FROM shares WHERE deleted_at IS NULL AND user_id = ?"),
                    "shares", "change permission", Map.of("permission", random.nextBoolean() ? "edit" : "view"));
        }
        if (roll < 94) {
            return delete(device, pick(device, "SELECT id FROM shares WHERE deleted_at IS NULL AND user_id = ?"),
                    "shares", "unshare");
        }
        Map<String, String> user = new LinkedHashMap<>();
        user.put(random.nextBoolean() ? "display_name" : "email", "name " + ++counter);
        return edit(device, pick(device, "SELECT id FROM users WHERE deleted_at IS NULL AND id = ?"), "users",
                "edit own user", user);
    }

    private boolean asRecipient(SimulatedDevice device, int roll) throws SQLException {
        String foreignEvent = "SELECT id FROM events WHERE deleted_at IS NULL AND user_id <> ?";
        if (roll < 25) {
            return edit(device, pick(device, "SELECT id FROM shares WHERE deleted_at IS NULL AND accepted_at IS NULL"
                    + " AND shared_with_user_id = ?"), "shares", "accept share", Map.of("accepted_at", time()));
        }
        if (roll < 30) {
            Map<String, String> leave = new LinkedHashMap<>();
            leave.put("accepted_at", null);
            return edit(device, pick(device, "SELECT id FROM shares WHERE deleted_at IS NULL"
                    + " AND accepted_at IS NOT NULL AND shared_with_user_id = ?"), "shares", "leave share", leave);
        }
        if (roll < 62) {
            return edit(device, pick(device, foreignEvent), "events", "edit shared event", eventColumns());
        }
        if (roll < 72) {
            return delete(device, pick(device, foreignEvent), "events", "try to delete shared event");
        }
        if (roll < 80) {
            return edit(device, pick(device, foreignEvent), "events", "try to set deleted_at of shared event",
                    Map.of("deleted_at", time()));
        }
        if (roll < 88) {
            return edit(device, pick(device, "SELECT id FROM shares WHERE deleted_at IS NULL"
                    + " AND shared_with_user_id = ?"), "shares", "try to change permission of share received",
                    Map.of("permission", random.nextBoolean() ? "edit" : "view"));
        }
        if (roll < 94) {
            return edit(device, pick(device, "SELECT id FROM \"groups\" WHERE deleted_at IS NULL AND user_id <> ?"),
                    "groups", "try to rename shared group", Map.of("name", "group " + ++counter));
        }
        return edit(device, pick(device, "SELECT id FROM users WHERE deleted_at IS NULL AND id <> ?"), "users",
                "try to rename another user", Map.of("display_name", "name " + ++counter));
    }

    private void createEvent(SimulatedDevice device) throws SQLException {
        insert(device, "events", "create event", "user_id", device.user, "title", "title " + ++counter, "notes",
                random.nextBoolean() ? "notes " + ++counter : null);
    }

    /** An own group gets an event: mostly an own one, sometimes one shared with the user (the rules allow it). */
    private boolean addToGroup(SimulatedDevice device) throws SQLException {
        String group = pick(device, "SELECT id FROM \"groups\" WHERE deleted_at IS NULL AND user_id = ?");
        boolean foreign = random.nextInt(4) == 0;
        String event = pick(device, "SELECT id FROM events WHERE deleted_at IS NULL AND user_id "
                + (foreign ? "<>" : "=") + " ?");
        if (group == null || event == null) {
            return false;
        }
        insert(device, "event_groups", foreign ? "put shared event in own group" : "put own event in own group",
                "user_id", device.user, "event_id", event, "group_id", group);
        return true;
    }

    private boolean share(SimulatedDevice device) throws SQLException {
        boolean group = random.nextInt(3) == 0;
        String target = pick(device, group ? "SELECT id FROM \"groups\" WHERE deleted_at IS NULL AND user_id = ?"
                : "SELECT id FROM events WHERE deleted_at IS NULL AND user_id = ?");
        if (target == null) {
            return false;
        }
        List<String> others = new ArrayList<>(users);
        others.remove(device.user);
        insert(device, "shares", group ? "share group" : "share event", "user_id", device.user,
                "shared_with_user_id", others.get(random.nextInt(others.size())), group ? "group_id" : "event_id",
                target, "permission", random.nextBoolean() ? "edit" : "view");
        return true;
    }

    /** Deletes an own row and, as the app does, its own memberships and shares that name it. */
    private boolean deleteWithLinks(SimulatedDevice device, String table, String column, String kind)
            throws SQLException {
        String id = pick(device, "SELECT id FROM \"" + table + "\" WHERE deleted_at IS NULL AND user_id = ?");
        if (id == null) {
            return false;
        }
        for (String links : List.of("event_groups", "shares")) {
            for (String link : ids(device, "SELECT id FROM " + links + " WHERE deleted_at IS NULL AND user_id = ?"
                    + " AND " + column + " = ?", device.user, id)) {
                device.delete(links, link, ledger);
            }
        }
        return delete(device, id, table, kind);
    }

    private void insert(SimulatedDevice device, String table, String kind, String... pairs) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            columns.put(pairs[i], pairs[i + 1]);
        }
        device.insert(table, new UUID(random.nextLong(), random.nextLong()).toString(), columns, ledger);
        done.merge(kind, 1, Integer::sum);
    }

    private boolean edit(SimulatedDevice device, String id, String table, String kind, Map<String, String> columns)
            throws SQLException {
        if (id == null) {
            return false;
        }
        device.update(table, id, columns, ledger);
        done.merge(kind, 1, Integer::sum);
        return true;
    }

    private boolean delete(SimulatedDevice device, String id, String table, String kind) throws SQLException {
        if (id == null) {
            return false;
        }
        device.delete(table, id, ledger);
        done.merge(kind, 1, Integer::sum);
        return true;
    }

    /** New values for an event: a title, notes, or both. */
    private Map<String, String> eventColumns() {
        Map<String, String> columns = new LinkedHashMap<>();
        int which = random.nextInt(3);
        if (which != 1) {
            columns.put("title", "title " + ++counter);
        }
        if (which != 0) {
            columns.put("notes", random.nextInt(5) == 0 ? null : "notes " + ++counter);
        }
        return columns;
    }

    /** A time for {@code accepted_at} or {@code deleted_at}, as an app writes it: ISO-8601 in UTC. */
    private String time() {
        return EPOCH.plusSeconds(++counter).toString();
    }

    /** A random one of the ids {@code sql} (with the device's user as its one parameter) finds, or null. */
    private String pick(SimulatedDevice device, String sql) throws SQLException {
        List<String> ids = ids(device, sql + " ORDER BY id", device.user);
        return ids.isEmpty() ? null : ids.get(random.nextInt(ids.size()));
    }

    private static List<String> ids(SimulatedDevice device, String sql, String... parameters) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement ps = device.app().prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
