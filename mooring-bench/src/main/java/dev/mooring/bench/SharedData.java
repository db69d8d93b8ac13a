package dev.mooring.bench;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.Sharing;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncedTable;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data set of {@link SharingBench}: the Reminders example's server schema and sharing rules ({@link #rules}),
 * filled by set-based SQL ({@code generate_series}) before sync is installed.
 *
 * <p>Regular users {@code 1..users} own {@code eventsPerUser} events each (event {@code g} belongs to user
 * {@code 1 + (g - 1) % users}, so a user's events are spread over the table as ids made over time are) and 5 groups
 * each, of 2 to 202 of their events (sizes skewed towards small: {@code 2 + 200 r³}, r uniform). Each user makes
 * {@code sharesPerUser} shares, half of an event and half of a group, with other users: one in three with edit
 * permission, one in ten still pending (not accepted). Besides them, the roles the measurements need: a user
 * {@link #moveInOwner} whose group of {@code moveInEvents} events waits, shared but not yet accepted, for each of the
 * users {@link #recipient}; and a user {@link #bootstrapUser} who owns {@code bootstrapEvents} events and nothing else
 * and to whom nothing is shared. Ids are uuids that encode a number: user {@code u} is
 * {@code 00000000-0000-7000-8000-<u in 12 hex digits>}, event {@code g} {@code e0000000-…-<g>}. Immutable.
 */
final class SharedData {
    static final int GROUPS_PER_USER = 5;

    final int users;
    final int eventsPerUser;
    final int sharesPerUser;
    final int moveInEvents;
    final int bootstrapEvents;
    final int recipients;

    SharedData(int users, int eventsPerUser, int sharesPerUser, int moveInEvents, int bootstrapEvents, int recipients) {
        if (users < 10 || sharesPerUser % 2 != 0 || sharesPerUser / 2 > eventsPerUser / 100) {
            throw new IllegalArgumentException("need at least 10 users and an even number of shares per user, at most"
                    + " one event share per 100 events of a user; got " + users + " users, " + sharesPerUser
                    + " shares and " + eventsPerUser + " events per user");
        }
        this.users = users;
        this.eventsPerUser = eventsPerUser;
        this.sharesPerUser = sharesPerUser;
        this.moveInEvents = moveInEvents;
        this.bootstrapEvents = bootstrapEvents;
        this.recipients = recipients;
    }

    /** The example's {@code sync.yaml}: events shared alone or through groups, view or edit; recipients accept. */
    static SyncConfig rules(Path examples) {
        SyncConfig example = SyncConfigFile.load(examples.resolve("sync.yaml"));
        if (example.tables().stream().noneMatch(t -> t.sharing().shared())) {
            throw new IllegalStateException(examples.resolve("sync.yaml") + " declares no sharing rules to measure");
        }
        return example;
    }

    /** The same tables and settings without any sharing rule: every user sees and changes their own rows only. */
    static SyncConfig ownerOnly(SyncConfig rules) {
        List<SyncedTable> tables = rules.tables().stream().map(t -> t.withSharing(Sharing.NONE)).toList();
        return new SyncConfig(tables, rules.tombstoneRetention(), rules.maxClockSkew());
    }

    long events() {
        return (long) users * eventsPerUser;
    }

    long shares() {
        return (long) users * sharesPerUser;
    }

    int moveInOwner() {
        return users + 1;
    }

    int bootstrapUser() {
        return users + 2;
    }

    /** The {@code i}-th (from 1) user to whom the move-in group is shared, pending. */
    int recipient(int i) {
        return users + 2 + i;
    }

    static String userId(long u) {
        return id('0', u);
    }

    static String eventId(long g) {
        return id('e', g);
    }

    /** The id of the group that moves in, the only group of {@link #moveInOwner}. */
    String moveInGroup() {
        return id('a', (long) users * GROUPS_PER_USER + 1);
    }

    /** The id of the pending share of the move-in group with {@link #recipient}{@code (i)}. */
    static String moveInShare(int i) {
        return id('f', i);
    }

    /** Events {@code moveInEvents} come after the regular ones, then the bootstrap user's. */
    long firstMoveInEvent() {
        return events() + 1;
    }

    long firstBootstrapEvent() {
        return events() + moveInEvents + 1;
    }

    private static String id(char kind, long n) {
        String hex = Long.toHexString(n);
        return kind + "0000000-0000-7000-8000-" + "0".repeat(12 - hex.length()) + hex;
    }

    /** The SQL of {@link #id}, for a number that is the SQL expression {@code n}. */
    private static String idSql(char kind, String n) {
        return "('" + kind + "0000000-0000-7000-8000-' || lpad(to_hex(" + n + "), 12, '0'))::uuid";
    }

    /** A non-negative pseudo-random int from an integer SQL expression, the same on every run. */
    private static String hash(String n) {
        return "(hashint4((" + n + ")::int)::bigint & 2147483647)";
    }

    /**
     * Migrates an empty database to the example's server schema and loads the data set with triggers off (no capture
     * exists yet; sync is installed afterwards). Secondary indexes are dropped for the load and built again after it,
     * as a bulk load is done. Returns a line that says what was loaded and how long it took.
     */
    String load(DataSource ds, Path examples) throws Exception {
        long start = System.nanoTime();
        Migrator.create(ds, MigrationConfig.of("filesystem:" + examples.resolve("server"))).migrate();
        long n = users;
        long groups = n * GROUPS_PER_USER;
        long half = shares() / 2;
        String owner = "1 + (g - 1) % " + n;
        String groupOwner = "1 + (k - 1) % " + n;
        String size = "2 + floor(200 * power(" + hash("k") + " % 1000000 / 1e6, 3))::int";
        List<String> statements = List.of(
                "INSERT INTO users (id, email, display_name, time_zone) SELECT " + idSql('0', "u") + ", 'user' || u"
                        + " || '@example.com', 'User ' || u, 'Asia/Ho_Chi_Minh' FROM generate_series(1, "
                        + recipient(recipients) + ") u",
                ReminderRows.eventsSql(idSql('e', "g"), idSql('0', owner), "generate_series(1, " + events() + ") g"),
                ReminderRows.eventsSql(idSql('e', "g"), idSql('0', Integer.toString(moveInOwner())),
                        "generate_series(" + firstMoveInEvent() + ", " + (firstBootstrapEvent() - 1) + ") g"),
                ReminderRows.eventsSql(idSql('e', "g"), idSql('0', Integer.toString(bootstrapUser())),
                        "generate_series(" + firstBootstrapEvent() + ", " + (firstBootstrapEvent() + bootstrapEvents - 1)
                                + ") g"),
                "INSERT INTO groups (id, user_id, name, color, sort_order) SELECT " + idSql('a', "k") + ", "
                        + idSql('0', groupOwner) + ", 'Group ' || k, '#' || lpad(to_hex(" + hash("k") + " & 16777215), 6,"
                        + " '0'), (k - 1) / " + n + " FROM generate_series(1, " + groups + ") k",
                "INSERT INTO groups (id, user_id, name) VALUES ('" + moveInGroup() + "', '" + userId(moveInOwner())
                        + "', 'Everything')",
                // group k, the m-th of its owner u, holds u's events number (m * 200 + i) mod eventsPerUser
                "INSERT INTO event_groups (id, user_id, event_id, group_id) SELECT " + idSql('b', "k * 256 + i") + ", "
                        + idSql('0', groupOwner) + ", " + idSql('e', groupOwner + " + " + n + " * ((((k - 1) / " + n
                        + ") * 200 + i) % " + eventsPerUser + ")") + ", " + idSql('a', "k") + " FROM generate_series(1, "
                        + groups + ") k, generate_series(0, " + size + " - 1) i",
                "INSERT INTO event_groups (id, user_id, event_id, group_id) SELECT " + idSql('d', "g") + ", '"
                        + userId(moveInOwner()) + "', " + idSql('e', "g") + ", '" + moveInGroup() + "' FROM generate_series("
                        + firstMoveInEvent() + ", " + (firstBootstrapEvent() - 1) + ") g",
                // event share s, the t-th of its owner u: of u's event number t * 100 + (a number below 100)
                "INSERT INTO shares (id, user_id, shared_with_user_id, event_id, permission, accepted_at) SELECT "
                        + idSql('c', "s") + ", " + idSql('0', "1 + (s - 1) % " + n) + ", "
                        + idSql('0', other("(s - 1) % " + n, hash("s * 7 + 1"))) + ", " + idSql('e', "1 + (s - 1) % " + n
                        + " + " + n + " * (((s - 1) / " + n + ") * 100 + " + hash("s") + " % 100)") + ", "
                        + permission("s") + " FROM generate_series(1, " + half + ") s",
                // group share s: of group k = 1 + (s - 1) mod groups, with a different recipient each time round
                "INSERT INTO shares (id, user_id, shared_with_user_id, group_id, permission, accepted_at) SELECT "
                        + idSql('c', half + " + s") + ", " + idSql('0', groupOwner) + ", "
                        + idSql('0', other("(k - 1) % " + n, hash("k") + " + ((s - 1) / " + groups + ") * 7919")) + ", "
                        + idSql('a', "k") + ", " + permission("s") + " FROM generate_series(1, " + half + ") s,"
                        + " LATERAL (SELECT 1 + (s - 1) % " + groups + " AS k) x",
                "INSERT INTO shares (id, user_id, shared_with_user_id, group_id) SELECT " + idSql('f', "i") + ", '"
                        + userId(moveInOwner()) + "', " + idSql('0', (users + 2) + " + i") + ", '" + moveInGroup()
                        + "' FROM generate_series(1, " + recipients + ") i");
        Map<String, String> indexes = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)"
                    + " FROM pg_index i WHERE i.indrelid IN ('events'::regclass, 'groups'::regclass,"
                    + " 'event_groups'::regclass, 'shares'::regclass) AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                    + " WHERE k.conindid = i.indexrelid)")) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
            for (String index : indexes.keySet()) {
                s.execute("DROP INDEX " + index);
            }
            s.execute("SET session_replication_role = replica"); // no foreign key checks, no app triggers
            s.execute("SET maintenance_work_mem = '512MB'");
            for (String sql : statements) {
                long t = System.nanoTime();
                s.execute(sql);
                System.err.printf("  %.1f s: %s%n", (System.nanoTime() - t) / 1e9, sql.substring(0, 40));
            }
            long t = System.nanoTime();
            for (String definition : indexes.values()) {
                s.execute(definition);
            }
            System.err.printf("  %.1f s: %d indexes built%n", (System.nanoTime() - t) / 1e9, indexes.size());
            s.execute("SET session_replication_role = origin");
        }
        return String.format("%,d users, %,d events, %,d groups with %,d events in them, %,d shares"
                        + " (besides the roles below); loaded in %.0f s", n, events(), groups,
                count(ds, "SELECT count(*) FROM event_groups WHERE group_id <> '" + moveInGroup() + "'"), shares(),
                (System.nanoTime() - start) / 1e9);
    }

    /** A regular user other than the one whose 0-based number is {@code user0}, picked by the number {@code r}. */
    private String other(String user0, String r) {
        return "1 + ((" + user0 + ") + 1 + (" + r + ") % " + (users - 1) + ") % " + users;
    }

    private static String permission(String s) {
        return "CASE WHEN " + s + " % 3 = 0 THEN 'edit' ELSE 'view' END, CASE WHEN " + s + " % 10 <> 0"
                + " THEN timestamptz '2026-06-01 00:00:00+00' END";
    }

    /**
     * Writes through the capture and the sharing triggers, so that the change log and the shared feed hold a history
     * before anything is measured: {@code updates} regular events, picked at random, get a new note in statements of
     * 1,000; then half of the pending regular shares are accepted (each group share moving its events in), in
     * statements of 500.
     */
    void history(DataSource ds, long updates) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (long k = 0; k < updates / 1000; k++) {
                s.execute("UPDATE events SET notes = 'edited in the history, statement " + k + "' WHERE id IN (SELECT "
                        + idSql('e', "1 + " + hash(k * 1000 + " + i") + " % " + events()) + " FROM generate_series(1, 1000) i)");
            }
            long accepted;
            do {
                accepted = s.executeUpdate("UPDATE shares SET accepted_at = now() WHERE id IN (SELECT id FROM shares"
                        + " WHERE accepted_at IS NULL AND user_id <> '" + userId(moveInOwner()) + "' AND "
                        + hash("('x' || substr(id::text, 25, 12))::bit(48)::bigint") + " % 2 = 0 LIMIT 500)");
            } while (accepted > 0);
        }
    }

    /**
     * Events of other users that {@code user} may see through shares (accepted, live; with {@code edit}: may edit),
     * with their owners, in id order: the events rules restated in SQL to pick what to change.
     */
    static List<String[]> sharedWith(DataSource ds, String user, boolean edit) throws Exception {
        String share = " AND s.shared_with_user_id = CAST(? AS uuid) AND s.accepted_at IS NOT NULL AND s.deleted_at IS NULL"
                + (edit ? " AND s.permission = 'edit'" : "");
        List<String[]> rows = new ArrayList<>();
        // a UNION, not the rule's OR: PostgreSQL answers "id IN (…) OR id IN (…)" by reading every event
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT e.id::text,"
                + " e.user_id::text FROM events e WHERE e.id IN (SELECT s.event_id FROM shares s WHERE true" + share
                + " UNION SELECT g.event_id FROM event_groups g JOIN shares s ON s.group_id = g.group_id"
                + " WHERE g.deleted_at IS NULL" + share + ") AND e.deleted_at IS NULL AND e.user_id <> CAST(? AS uuid)"
                + " ORDER BY e.id")) {
            for (int i = 1; i <= 3; i++) {
                ps.setString(i, user);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[]{rs.getString(1), rs.getString(2)});
                }
            }
        }
        return rows;
    }

    static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
