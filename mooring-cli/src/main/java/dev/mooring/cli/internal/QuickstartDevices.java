package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncConflict;
import dev.mooring.sync.client.SyncReport;

import javax.sql.DataSource;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The two-device part of {@code mooring quickstart}: two SQLite client databases of the demo user ({@code phone.db}
 * and {@code laptop.db} under the data folder), each a real {@link SyncClient} talking HTTP to the quickstart's sync
 * server. The phone creates three events and both sync; then, offline, both edit the same column of one event, different
 * columns of another, and one deletes the third while the other edits it; then phone, laptop and phone sync again.
 * The outcome holds the final rows, whether phone, laptop and server agree, and the conflicts each client recorded.
 *
 * <p>The two files are kept between runs, like real devices (each has its node id and cursor); every run works on
 * three new events with fresh ids, so a run never depends on what an earlier one left.
 */
final class QuickstartDevices {
    /** The example's synced tables a client holds: devices is server-to-client and clients have no table for it. */
    static final List<String> TABLES = List.of("users", "events", "groups", "event_groups", "shares");

    /** One of the three offline conflicts and how it ended. */
    record Case(String kind, String event, String id, String edits, String rule, String expected, String title,
                String notes, String date, boolean deleted, boolean asExpected) {
    }

    /** A conflict a sync recorded on one of this run's events. */
    record Recorded(String event, String rule, String result) {
    }

    /** One of the syncs after the offline edits. */
    record Sync(String device, long pulled, long pushed, List<Recorded> conflicts) {
    }

    /** What the two devices ended with. */
    record Outcome(String phone, String laptop, String phoneNode, String laptopNode, List<Case> cases,
                   boolean converged, List<Sync> syncs, long durationMs) {
    }

    private record Row(String title, String notes, String date, boolean deleted) {
    }

    private final String dentist = UUID.randomUUID().toString();
    private final String birthday = UUID.randomUUID().toString();
    private final String gym = UUID.randomUUID().toString();

    /** How every quickstart device opens its database: the example's synced tables and client migrations. */
    static ClientConfig clientConfig() {
        return ClientConfig.of(TABLES.toArray(String[]::new)).withMigrations(
                MigrationConfig.of(QuickstartCommand.CLIENT_MIGRATIONS).withClassLoader(QuickstartDevices.class.getClassLoader()));
    }

    Outcome run(Path dataDir, URI server, String token, DataSource serverDb) {
        ClientConfig config = clientConfig();
        long started = System.nanoTime();
        Path phoneFile = dataDir.resolve("phone.db");
        Path laptopFile = dataDir.resolve("laptop.db");
        try (SyncClient phone = SyncClient.open(phoneFile, config);
             SyncClient laptop = SyncClient.open(laptopFile, config);
             HttpTransport http = HttpTransport.create(server, token)) {
            exec(phone, "INSERT INTO events (id, user_id, title, solar_date) VALUES (?, ?, 'Dentist', '2026-12-01'),"
                    + " (?, ?, 'Mum''s birthday', '2026-12-06'), (?, ?, 'Gym class', '2026-12-03')",
                    dentist, QuickstartSync.DEMO_USER, birthday, QuickstartSync.DEMO_USER, gym, QuickstartSync.DEMO_USER);
            phone.sync(http);
            laptop.sync(http);

            // offline from here: the same column, the laptop first, so the phone's edit is the later one
            exec(laptop, "UPDATE events SET title = 'Dentist at 10:00' WHERE id = ?", dentist);
            pause();
            exec(phone, "UPDATE events SET title = 'Dentist at 9:30' WHERE id = ?", dentist);
            exec(phone, "UPDATE events SET notes = 'Bring flowers' WHERE id = ?", birthday);
            exec(laptop, "UPDATE events SET solar_date = '2026-12-07' WHERE id = ?", birthday);
            exec(phone, "DELETE FROM events WHERE id = ?", gym);
            exec(laptop, "UPDATE events SET notes = 'Bring a towel' WHERE id = ?", gym);

            List<SyncReport> reports = List.of(phone.sync(http), laptop.sync(http), phone.sync(http));

            Map<String, Row> phoneRows = rows(phone);
            boolean converged = phoneRows.equals(rows(laptop)) && phoneRows.equals(serverRows(serverDb));
            List<Case> cases = List.of(
                    outcome("same column", "Dentist", dentist, "laptop set the title to 'Dentist at 10:00', then"
                            + " the phone to 'Dentist at 9:30'", "lww-column", "the later edit, the phone's, wins"
                            + " although the laptop synced last", phoneRows, r -> "Dentist at 9:30".equals(r.title())),
                    outcome("different columns", "Mum's birthday", birthday, "phone set the notes, laptop moved the"
                            + " date", "lww-column", "both edits survive", phoneRows,
                            r -> "Bring flowers".equals(r.notes()) && "2026-12-07".equals(r.date())),
                    outcome("delete vs edit", "Gym class", gym, "phone deleted it, laptop added notes",
                            "update-wins", "the edit wins: the event stays, with the notes", phoneRows,
                            r -> "Bring a towel".equals(r.notes())));
            List<Sync> syncs = new ArrayList<>();
            for (int i = 0; i < reports.size(); i++) {
                syncs.add(sync(i == 1 ? "laptop" : "phone", reports.get(i), cases));
            }
            return new Outcome(phoneFile.toString(), laptopFile.toString(), phone.nodeId(), laptop.nodeId(), cases,
                    converged, syncs, (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "the quickstart's two-device sync failed: " + e.getMessage(), e);
        }
    }

    /** The quickstart's section on the two devices. */
    static String render(Outcome o) {
        StringBuilder text = new StringBuilder("== Two devices, offline (phone " + o.phone() + ", laptop " + o.laptop()
                + ") ==\nThe phone created three events; both devices synced over HTTP as the demo user, edited them"
                + " offline, and synced again (phone, laptop, phone); " + o.durationMs() + " ms in all:\n");
        int n = 1;
        for (Case c : o.cases()) {
            text.append("  ").append(n++).append(". ").append(c.kind()).append(" (").append(c.event()).append("): ")
                    .append(c.edits()).append("\n     ").append(c.rule()).append(": ").append(c.expected()).append('\n');
        }
        TextTable rows = new TextTable("event", "title", "notes", "solar_date", "deleted");
        o.cases().forEach(c -> rows.row(c.event(), c.title(), c.notes(), c.date(), c.deleted() ? "yes" : "no"));
        text.append(o.converged() ? "Final rows, the same on phone, laptop and server:\n"
                : "Final rows on the phone; the laptop or the server DIFFER (a bug in Mooring; please report it):\n");
        text.append(rows.toString().indent(4));
        text.append("The syncs after the offline edits, and the conflicts each recorded, once each as the server did"
                + " (result: where both edited a row, whose edits it kept: 'client' the device's own, 'server' the"
                + " other's, 'merged' both, each its own columns):\n");
        int step = 1;
        for (Sync sync : o.syncs()) {
            text.append("    ").append(step++).append(". ").append(sync.device()).append(": pulled ").append(sync.pulled())
                    .append(", pushed ").append(sync.pushed()).append(sync.conflicts().isEmpty() ? ", no conflicts\n" : "\n");
            for (Recorded c : sync.conflicts()) {
                text.append(String.format("         %-16s %-12s %s\n", c.event(), c.rule(), c.result()));
            }
        }
        List<String> unexpected = o.cases().stream().filter(c -> !c.asExpected()).map(Case::kind).toList();
        text.append(unexpected.isEmpty() ? "All three ended as the rules say."
                : "UNEXPECTED: " + String.join(", ", unexpected) + " did not end as the rules say (a bug in Mooring;"
                + " please report it).");
        return text.toString();
    }

    private interface Check {
        boolean holds(Row row);
    }

    private static Case outcome(String kind, String event, String id, String edits, String rule, String expected,
                                Map<String, Row> rows, Check check) {
        Row r = rows.get(id);
        boolean live = r != null && !r.deleted();
        return new Case(kind, event, id, edits, rule, expected, r == null ? null : r.title(), r == null ? null : r.notes(),
                r == null ? null : r.date(), !live, live && check.holds(r));
    }

    /** A sync's report, with the conflicts it recorded on this run's events. */
    private static Sync sync(String device, SyncReport report, List<Case> cases) {
        Map<String, String> events = new LinkedHashMap<>();
        cases.forEach(c -> events.put(c.id(), c.event()));
        List<Recorded> recorded = new ArrayList<>();
        for (SyncConflict c : report.conflicts()) {
            if (c.table().equals("events") && events.containsKey(c.id())) {
                recorded.add(new Recorded(events.get(c.id()), c.rule(), c.result()));
            }
        }
        return new Sync(device, report.pulled(), report.pushed(), recorded);
    }

    private Map<String, Row> rows(SyncClient client) throws SQLException {
        try (Connection c = client.connection()) {
            return rows(c, "SELECT id, title, notes, solar_date, deleted_at IS NOT NULL FROM events WHERE id IN (?, ?, ?)");
        }
    }

    private Map<String, Row> serverRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return rows(c, "SELECT id::text, title, notes, solar_date::text, deleted_at IS NOT NULL FROM events"
                    + " WHERE id IN (?::uuid, ?::uuid, ?::uuid)");
        }
    }

    private Map<String, Row> rows(Connection c, String sql) throws SQLException {
        Map<String, Row> rows = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, dentist);
            ps.setString(2, birthday);
            ps.setString(3, gym);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5)));
                }
            }
        }
        return rows;
    }

    /** Runs one write on a device, as its app would: plain SQL, captured for sync by the device's triggers. */
    static void exec(SyncClient client, String sql, String... args) throws SQLException {
        try (Connection c = client.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, Objects.requireNonNull(args[i]));
            }
            ps.executeUpdate();
        }
    }

    /** Hybrid logical clocks order edits by wall time first: a few milliseconds make "later" unambiguous. */
    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.INTERNAL, "interrupted during the quickstart", e);
        }
    }
}
