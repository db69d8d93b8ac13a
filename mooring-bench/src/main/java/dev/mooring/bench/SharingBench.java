package dev.mooring.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;
import dev.mooring.sync.SyncJson;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.mooring.bench.ClientSyncBench.check;
import static dev.mooring.bench.ClientSyncBench.list;
import static dev.mooring.bench.ClientSyncBench.median;

/**
 * Shared data (sharing rules, issue 16) on the Reminders example's server schema and sharing rules with 10,000 users,
 * 10,000,000 events and 200,000 shares ({@link SharedData}; {@code --scale 0.01} for a smoke run), through the
 * service API ({@link SyncService}), each part's contenders interleaved in one run:
 * <ol>
 *   <li><b>pull</b>: one user's pull of 100 changes that owners made to events shared with them, against the same
 *       user's pull of 100 changes of their own events (target: at most 1.2×);</li>
 *   <li><b>move-in</b>: a group of {@code --move-in-events} events is shared with a user, who accepts, and their device
 *       pulls until it holds every event, against a fresh device of a user who owns that many events bootstrapping
 *       (target: move-in at least half the bootstrap's events/s);</li>
 *   <li><b>push</b>: owners pushing updates of their events with the sharing rules installed, against the same
 *       pushes with the same tables and settings without rules (target: at least 0.9× the rows/s), and recipients
 *       with edit permission pushing edits of events shared with them ({@link SharedPushes}).</li>
 * </ol>
 * <pre>
 * java -Xms2g -Xmx2g -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.SharingBench [--scale 1]
 *      [--only pull|move-in|push] [--history 100000] [--rounds 9] [--pulls 50] [--move-in-events 10000]
 *      [--move-in-rounds 5] [--page 2000] [--push-rounds 9] [--push-batches 60] [--batch 50] [--push-threads 4]
 *      [--examples examples/reminders] [--explain true] [--markdown FILE]
 * </pre>
 * Run from the repository root (the example's migrations are read from {@code examples/reminders}). With
 * {@code --explain true}, after each part's rounds one more pull, move-in, bootstrap or push of each kind prints the
 * plans of every statement the server ran for it ({@link ExplainedStatements}) to standard error.
 */
public final class SharingBench {
    private final Map<String, String> options;
    private final SharedData data;
    private final StringBuilder report = new StringBuilder();

    private SharingBench(Map<String, String> options) {
        this.options = options;
        double scale = Double.parseDouble(options.getOrDefault("--scale", "1"));
        int moveIn = option("--move-in-events", 10_000);
        this.data = new SharedData((int) Math.round(10_000 * scale), 1_000, 20, moveIn, moveIn,
                option("--move-in-rounds", 5) + 2); // a warm-up round, the rounds, a diagnostic
    }

    public static void main(String[] args) throws Exception {
        SharingBench bench = new SharingBench(BenchOptions.parse(args));
        String only = bench.options.getOrDefault("--only", "all");
        Path examples = Path.of(bench.options.getOrDefault("--examples", "examples/reminders")).toAbsolutePath();
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary()) {
            pg.createDatabaseIfMissing("sharing");
            try (HikariDataSource ds = SyncBench.pool(pg, "sharing", 10)) {
                SyncConfig rules = SharedData.rules(examples);
                bench.prepare(ds, examples, rules);
                SyncService sync = SyncService.create(ds, rules);
                if (only.equals("all") || only.equals("pull")) {
                    bench.pull(ds, sync);
                    System.err.println(bench.report);
                }
                if (only.equals("all") || only.equals("move-in")) {
                    bench.moveIn(ds, sync);
                    System.err.println(bench.report);
                }
                if (only.equals("all") || only.equals("push")) {
                    bench.report.append(new SharedPushes(ds, bench.data, rules, bench.option("--push-rounds", 9),
                            bench.option("--push-batches", 60), bench.option("--batch", 50),
                            bench.option("--push-threads", 4), bench.options.containsKey("--explain") ? System.err
                            : null).run());
                }
            }
        }
        System.out.println(bench.report);
        if (bench.options.containsKey("--markdown")) {
            Files.writeString(Path.of(bench.options.get("--markdown")), bench.report.toString());
        }
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    /** Loads the data set, installs sync with the rules, writes the history, and settles the database. */
    private void prepare(HikariDataSource ds, Path examples, SyncConfig rules) throws Exception {
        String loaded = data.load(ds, examples);
        System.err.println("  " + loaded);
        long start = System.nanoTime();
        SyncSchema.install(ds, rules);
        long history = option("--history", (int) (data.events() / 100));
        data.history(ds, history);
        double historySeconds = (System.nanoTime() - start) / 1e9;
        settle(ds);
        report.append("### Data set\n\n").append(loaded).append(". Then sync installed with the rules and a history"
                        + " written through the triggers: ").append(String.format("%,d", history)).append(" random events"
                        + " updated in statements of 1,000, half the pending shares accepted, in ")
                .append(String.format("%.0f s", historySeconds)).append(String.format(": the change log holds %,d"
                                + " entries and the shared feed %,d; the database takes %,d MB.%n%n",
                        SharedData.count(ds, "SELECT count(*) FROM mooring.change_log"),
                        SharedData.count(ds, "SELECT count(*) FROM mooring.shared_feed"),
                        SharedData.count(ds, "SELECT pg_database_size(current_database()) / 1000000")));
    }

    /** Vacuums and analyzes everything and checkpoints, so that no part's writes are still being cleaned up later. */
    static void settle(DataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE)");
            s.execute("CHECKPOINT");
        }
    }

    // ---------------------------------------------------------------- pull

    private void pull(HikariDataSource ds, SyncService sync) throws Exception {
        int rounds = option("--rounds", 9);
        int pulls = option("--pulls", 50);
        int user = 0;
        List<String[]> shared = List.of();
        while (shared.size() < 200) { // someone who sees enough: 100 others' events a round, new ones each round
            shared = SharedData.sharedWith(ds, SharedData.userId(++user), false);
        }
        String reader = SharedData.userId(user);
        String node = "reader-phone";
        Map<String, List<Double>> millis = new LinkedHashMap<>();
        millis.put("own", new ArrayList<>());
        millis.put("shared", new ArrayList<>());
        List<Double> ratios = new ArrayList<>();
        Map<String, String> cursors = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            List<String> own = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                own.add(SharedData.eventId(user + (long) data.users * ((i * 10L + round) % data.eventsPerUser)));
            }
            Map<String, List<String>> byOwner = new LinkedHashMap<>();
            for (int i = 0; i < 100; i++) {
                String[] event = shared.get((round * 100 + i) % shared.size());
                byOwner.computeIfAbsent(event[1], k -> new ArrayList<>()).add(event[0]);
            }
            // two windows of the feed, in an order that alternates: the first one's pull reads one entry more
            List<String> order = round % 2 == 0 ? List.of("own", "shared") : List.of("shared", "own");
            cursors.clear();
            for (String kind : order) {
                cursors.put(kind, "c1." + SyncBench.xmin(ds) + ".0");
                String set = "SET title = 'Changed in round " + round + "', notes = 'changed by its owner, " + kind
                        + " round " + round + "'";
                if (kind.equals("own")) {
                    SyncBench.execute(ds, "UPDATE events " + set + " WHERE id IN (" + quoted(own) + ")");
                } else {
                    for (List<String> ids : byOwner.values()) { // each owner in a transaction of their own
                        SyncBench.execute(ds, "UPDATE events " + set + " WHERE id IN (" + quoted(ids) + ")");
                    }
                }
            }
            Set<String> sharedIds = byOwner.values().stream().flatMap(List::stream).collect(Collectors.toSet());
            checkPull(sync.pull(reader, node, cursors.get("own"), 100), new HashSet<>(own), Operation.UPSERT);
            checkPull(sync.pull(reader, node, cursors.get("shared"), 100), sharedIds, Operation.UPSERT);
            Map<String, List<Double>> times = new LinkedHashMap<>();
            order.forEach(kind -> times.put(kind, new ArrayList<>()));
            for (int i = 0; i < pulls; i++) {
                for (String kind : order) {
                    long t = System.nanoTime();
                    sync.pull(reader, node, cursors.get(kind), 100);
                    times.get(kind).add((System.nanoTime() - t) / 1e6);
                }
            }
            double ownMs = median(times.get("own"));
            double sharedMs = median(times.get("shared"));
            System.err.printf("  round %d: own %.2f ms, shared %.2f ms (%.2fx)%n", round, ownMs, sharedMs,
                    sharedMs / ownMs);
            if (round > 0) {
                millis.get("own").add(ownMs);
                millis.get("shared").add(sharedMs);
                ratios.add(sharedMs / ownMs);
            }
        }
        report.append("### Pull: 100 changes of the user's own events vs 100 changes owners made to events shared with"
                        + " them (ms per `SyncService.pull`, median of ").append(pulls).append(" pulls per round, ")
                .append(rounds).append(" rounds after a warm-up)\n\n")
                .append(String.format("The user sees %,d events of others through shares. Each round 100 of their own"
                        + " events change in one statement and 100 of the shared ones, each owner's in a statement of"
                        + " their own.%n%n", shared.size()))
                .append("| pull of 100 changes | ms, min / median / max over rounds | per round |\n|---|---|---|\n")
                .append(String.format("| own events | %s | %s |%n", spread(millis.get("own"), "%.2f"),
                        list(millis.get("own"), "%.2f")))
                .append(String.format("| shared events | %s | %s |%n", spread(millis.get("shared"), "%.2f"),
                        list(millis.get("shared"), "%.2f")))
                .append(String.format("%n**shared / own: %s** (min / median / max over rounds; per round: %s);"
                                + " target at most 1.2×: **%s**.%n%n", spread(ratios, "%.2f"), list(ratios, "%.2f"),
                        median(ratios) <= 1.2 ? "met" : "missed"));
        report.append(payload(sync, reader, node, cursors));
        if (options.containsKey("--explain")) {
            SyncService diagnostic = SyncService.create(ExplainedStatements.wrap(ds, System.err), sync.config());
            for (Map.Entry<String, String> cursor : cursors.entrySet()) {
                System.err.println("  --explain: the last round's pull of 100 " + cursor.getKey() + " changes");
                diagnostic.pull(reader, node, cursor.getValue(), 100);
            }
        }
    }


    /**
     * What the two pages carry besides their SQL: the JSON of their rows' values, and how long Jackson takes to read it
     * into trees (median of 50, after 200 untimed, so that neither page pays for the parser's warm-up), the work
     * {@link SyncService#pull} does for each row after the queries.
     */
    private static String payload(SyncService sync, String reader, String node, Map<String, String> cursors)
            throws Exception {
        ObjectMapper json = SyncJson.mapper();
        StringBuilder line = new StringBuilder("Values JSON of the last round's pages, and the time to parse it as the"
                + " Java API does after the queries (median of 50 parses):");
        for (Map.Entry<String, String> cursor : cursors.entrySet()) {
            List<byte[]> texts = new ArrayList<>();
            for (PulledChange change : sync.pull(reader, node, cursor.getValue(), 100).changes()) {
                texts.add(json.writeValueAsBytes(change.values()));
            }
            for (int i = 0; i < 200; i++) {
                for (byte[] text : texts) {
                    json.readTree(text);
                }
            }
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long t = System.nanoTime();
                for (byte[] text : texts) {
                    json.readTree(text);
                }
                millis.add((System.nanoTime() - t) / 1e6);
            }
            line.append(String.format(" %s %,d bytes, %.2f ms;", cursor.getKey(),
                    texts.stream().mapToInt(b -> b.length).sum(), median(millis)));
        }
        return line.append("\n\n").toString();
    }

    private static void checkPull(PullResponse page, Set<String> expected, Operation op) {
        Set<String> got = page.changes().stream().filter(ch -> ch.table().equals("events") && ch.op() == op)
                .map(PulledChange::id).collect(Collectors.toSet());
        check(page.changes().size() == 100 && got.equals(expected), "expected the 100 changed events, got "
                + page.changes().size() + " changes, " + got.size() + " of them the expected ones");
    }

    // ---------------------------------------------------------------- move-in

    private void moveIn(HikariDataSource ds, SyncService sync) throws Exception {
        int rounds = option("--move-in-rounds", 5);
        int page = option("--page", 2_000);
        Set<String> group = new HashSet<>();
        for (long g = data.firstMoveInEvent(); g < data.firstBootstrapEvent(); g++) {
            group.add(SharedData.eventId(g));
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (String kind : List.of("move-in", "bootstrap of the same rows", "bootstrap of as many own events",
                "move-in pulls alone")) {
            rates.put(kind, new ArrayList<>());
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> eventRatios = new ArrayList<>();
        List<Integer> moveInRows = new ArrayList<>();
        List<Integer> ownerRows = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            Device recipient = new Device(SharedData.userId(data.recipient(round + 1)), "recipient-" + round);
            recipient.sync(sync, page);
            check(recipient.events.isEmpty(), "the recipient sees events before accepting");
            Map<String, Double> rate = new LinkedHashMap<>();
            for (int turn = 0; turn < 3; turn++) {
                switch ((turn + round) % 3) {
                    case 0 -> {
                        int before = recipient.rows;
                        long start = System.nanoTime();
                        recipient.accept(sync, SharedData.moveInShare(round + 1));
                        long pulling = System.nanoTime();
                        recipient.sync(sync, page);
                        long end = System.nanoTime();
                        check(recipient.events.equals(group), "the recipient holds " + recipient.events.size()
                                + " events, not the group's " + group.size());
                        rate.put("move-in", group.size() / ((end - start) / 1e9));
                        rate.put("move-in pulls alone", group.size() / ((end - pulling) / 1e9));
                        if (round > 0) {
                            moveInRows.add(recipient.rows - before);
                        }
                        System.err.printf("  round %d: move-in %,.0f events/s (accept %.0f ms, pulls %.0f ms, %,d rows)%n",
                                round, rate.get("move-in"), (pulling - start) / 1e6, (end - pulling) / 1e6,
                                recipient.rows - before);
                    }
                    case 1 -> {
                        // the same group, its events and links as the owner's new device gets them
                        Device owner = new Device(SharedData.userId(data.moveInOwner()), "owner-" + round);
                        long start = System.nanoTime();
                        owner.sync(sync, page);
                        long end = System.nanoTime();
                        check(owner.events.equals(group), "the owner's bootstrap brought " + owner.events.size()
                                + " events");
                        rate.put("bootstrap of the same rows", group.size() / ((end - start) / 1e9));
                        if (round > 0) {
                            ownerRows.add(owner.rows);
                        }
                        System.err.printf("  round %d: bootstrap of the group's owner %,.0f events/s (%.0f ms, %,d rows)%n",
                                round, rate.get("bootstrap of the same rows"), (end - start) / 1e6, owner.rows);
                    }
                    default -> {
                        Device fresh = new Device(SharedData.userId(data.bootstrapUser()), "bootstrap-" + round);
                        long start = System.nanoTime();
                        fresh.sync(sync, page);
                        long end = System.nanoTime();
                        check(fresh.events.size() == data.bootstrapEvents, "the bootstrap brought "
                                + fresh.events.size() + " events");
                        rate.put("bootstrap of as many own events", data.bootstrapEvents / ((end - start) / 1e9));
                        System.err.printf("  round %d: bootstrap of own events %,.0f events/s (%.0f ms, %,d rows)%n",
                                round, rate.get("bootstrap of as many own events"), (end - start) / 1e6, fresh.rows);
                    }
                }
            }
            if (round > 0) {
                rate.forEach((kind, value) -> rates.get(kind).add(value));
                ratios.add(rate.get("move-in") / rate.get("bootstrap of the same rows"));
                eventRatios.add(rate.get("move-in") / rate.get("bootstrap of as many own events"));
            }
        }
        if (options.containsKey("--explain")) {
            SyncService diagnostic = SyncService.create(ExplainedStatements.wrap(ds, System.err), sync.config());
            Device recipient = new Device(SharedData.userId(data.recipient(rounds + 2)), "recipient-explain");
            recipient.sync(sync, page);
            System.err.println("  --explain: a move-in (the accepting push, then pulls)");
            recipient.accept(diagnostic, SharedData.moveInShare(rounds + 2));
            recipient.sync(diagnostic, page);
            System.err.println("  --explain: a bootstrap");
            new Device(SharedData.userId(data.bootstrapUser()), "bootstrap-explain").sync(diagnostic, page);
        }
        report.append("### Move-in: a group of ").append(String.format("%,d", group.size())).append(" events shared"
                        + " and accepted vs bootstraps (pages of ").append(String.format("%,d", page)).append(", ")
                .append(rounds).append(" rounds after a warm-up)\n\n")
                .append("Move-in: the recipient's accepting push, then pulls until nothing waits; besides the events it"
                        + " brings the group and its ").append(String.format("%,d", group.size())).append(" links (")
                .append(moveInRows.isEmpty() ? "?" : String.format("%,d", moveInRows.get(0))).append(" rows in all)."
                        + " Bootstrap of the same rows: a fresh device of the group's owner, who owns the group, its"
                        + " events and links and the shares of it (").append(ownerRows.isEmpty() ? "?"
                        : String.format("%,d", ownerRows.get(0))).append(" rows). Bootstrap of as many own events: a"
                        + " fresh device of a user who owns ").append(String.format("%,d", data.bootstrapEvents))
                .append(" events and nothing else. The three take turns in an order that rotates each round.\n\n")
                .append("| contender | events/s, min / median / max over rounds | per round |\n|---|---|---|\n");
        rates.forEach((kind, values) -> report.append(String.format("| %s | %s | %s |%n", kind,
                spread(values, "%,.0f"), list(values, "%,.0f"))));
        report.append(String.format("%n**move-in / bootstrap of the same rows: %s** (min / median / max; per round: %s);"
                        + " target at least 0.5: **%s**. Move-in / bootstrap of as many own events (events/s, the"
                        + " move-in carrying twice the rows): %s (per round: %s).%n%n", spread(ratios, "%.2f"),
                list(ratios, "%.2f"), median(ratios) >= 0.5 ? "met" : "missed", spread(eventRatios, "%.2f"),
                list(eventRatios, "%.2f")));
    }

    /** What one device holds, as far as this bench needs: the events it has, by id; and how many rows it got. */
    private static final class Device {
        final String user;
        final String node;
        final Set<String> events = new HashSet<>();
        String cursor;
        int rows;

        Device(String user, String node) {
            this.user = user;
            this.node = node;
        }

        /** Accepts a share made with this device's user, as the device pushes it. */
        void accept(SyncService sync, String share) {
            PushResponse accepted = sync.push(user, new PushRequest(node, List.of(new RowChange("shares", share,
                    Operation.UPSERT, Map.of("accepted_at", JsonNodeFactory.instance.textNode("2026-12-06T10:00:00Z")),
                    new Hlc(System.currentTimeMillis(), 0, node), node, 1))));
            check(accepted.results().get(0).status() == ChangeStatus.APPLIED, "accept: " + accepted);
        }

        /** Pulls pages until nothing waits, applying each as a device would. */
        void sync(SyncService sync, int page) {
            PullResponse response;
            do {
                response = sync.pull(user, node, cursor, page);
                for (PulledChange change : response.changes()) {
                    rows++;
                    if (change.table().equals("events")) {
                        if (change.op() == Operation.UPSERT) {
                            events.add(change.id());
                        } else {
                            events.remove(change.id());
                        }
                    }
                }
                cursor = response.nextCursor();
            } while (response.hasMore());
        }
    }

    // ---------------------------------------------------------------- helpers

    static String spread(List<Double> values, String format) {
        if (values.isEmpty()) {
            return "n/a";
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format(format + " / " + format + " / " + format, sorted.get(0), median(sorted),
                sorted.get(sorted.size() - 1));
    }

    static String quoted(List<String> ids) {
        return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    }
}
