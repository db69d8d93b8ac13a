package dev.mooring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncService;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.RowChange;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.mooring.bench.ClientSyncBench.check;
import static dev.mooring.bench.ClientSyncBench.list;
import static dev.mooring.bench.ClientSyncBench.median;
import static dev.mooring.bench.SharingBench.spread;

/**
 * The push part of {@link SharingBench}: {@code batches} pushes through {@link SyncService#push}, each by a different
 * user of {@code batch} updates (title and notes) of events, on {@code threads} threads, for three contenders in an
 * order that rotates each round:
 * <ul>
 *   <li>owners updating their own events (spread over each owner's events, so about a quarter are in groups others
 *       see and a few are shared alone), with the sharing rules installed;</li>
 *   <li>the same pushes with the same tables and settings installed without rules: the sharing triggers gone, no
 *       permission checks;</li>
 *   <li>recipients with edit permission updating events shared with them (rules installed).</li>
 * </ul>
 * Switching between the two installs ({@link SyncSchema#install}) is not timed; every turn starts, untimed, with each
 * pushing device pulling up to now and one push by a user outside the timed ones. Not thread-safe.
 */
final class SharedPushes {
    private static final String WITH_RULES = "owners, sharing rules installed";
    private static final String WITHOUT_RULES = "owners, same tables without rules";
    private static final String EDITORS = "recipients with edit permission";

    private final DataSource ds;
    private final SharedData data;
    private final SyncConfig rules;
    private final int rounds;
    private final int batches;
    private final int batch;
    private final int threads;
    private final Map<String, Long> sequences = new LinkedHashMap<>();
    private final PrintStream explain;

    /** @param explain where to print the plans of one push of each kind after the rounds; {@code null}: nowhere */
    SharedPushes(DataSource ds, SharedData data, SyncConfig rules, int rounds, int batches, int batch, int threads,
                 PrintStream explain) {
        this.ds = ds;
        this.data = data;
        this.rules = rules;
        this.rounds = rounds;
        this.batches = batches;
        this.batch = batch;
        this.threads = threads;
        this.explain = explain;
    }

    /** One user's push of updates to {@code events}. */
    private record Job(String user, List<String> events) {
    }

    String run() throws Exception {
        SyncConfig ownerOnly = SharedData.ownerOnly(rules);
        Map<String, SyncConfig> installs = Map.of(WITH_RULES, rules, WITHOUT_RULES, ownerOnly, EDITORS, rules);
        Map<SyncConfig, SyncService> services = Map.of(rules, SyncService.create(ds, rules), ownerOnly,
                SyncService.create(ds, ownerOnly));
        List<String[]> editors = editors();
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        List.of(WITH_RULES, WITHOUT_RULES, EDITORS).forEach(k -> rates.put(k, new ArrayList<>()));
        List<Double> ownerRatios = new ArrayList<>();
        List<Double> editorRatios = new ArrayList<>();
        List<String> order = new ArrayList<>(rates.keySet());
        SyncConfig installed = rules;
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            java.util.Collections.rotate(order, 1);
            Map<String, Double> rate = new LinkedHashMap<>();
            for (String contender : order) {
                SyncConfig config = installs.get(contender);
                if (config != installed) {
                    SyncSchema.install(ds, config);
                    installed = config;
                }
                List<Job> jobs = contender.equals(EDITORS) ? editorJobs(editors, round) : ownerJobs(round);
                catchUp(services.get(config), jobs);
                push(services.get(config), jobs.get(0), contender, round); // warm-up, untimed
                long start = System.nanoTime();
                parallel(services.get(config), jobs.subList(1, jobs.size()), contender, round);
                double r = (double) batches * batch / ((System.nanoTime() - start) / 1e9);
                rate.put(contender, r);
                System.err.printf("  round %d: %s %,.0f rows/s%n", round, contender, r);
            }
            if (round > 0) {
                rate.forEach((k, v) -> rates.get(k).add(v));
                ownerRatios.add(rate.get(WITH_RULES) / rate.get(WITHOUT_RULES));
                editorRatios.add(rate.get(EDITORS) / rate.get(WITHOUT_RULES));
            }
        }
        if (explain != null) {
            for (String contender : order) {
                SyncConfig config = installs.get(contender);
                SyncSchema.install(ds, config);
                explain.println("  --explain: a push of " + contender);
                List<Job> jobs = contender.equals(EDITORS) ? editorJobs(editors, rounds + 1) : ownerJobs(rounds + 1);
                catchUp(services.get(config), jobs.subList(0, 1));
                push(SyncService.create(ExplainedStatements.wrap(ds, explain), config), jobs.get(0), contender,
                        rounds + 1);
            }
            installed = null;
        }
        if (installed != rules) {
            SyncSchema.install(ds, rules);
        }
        StringBuilder report = new StringBuilder("### Push: ").append(batches).append(" pushes of ").append(batch)
                .append(" updated events (title, notes), each by another user, on ").append(threads)
                .append(" threads (rows/s; ").append(rounds).append(" rounds after a warm-up)\n\n")
                .append("| contender | rows/s, min / median / max over rounds | per round |\n|---|---|---|\n");
        rates.forEach((k, v) -> report.append(String.format("| %s | %s | %s |%n", k, spread(v, "%,.0f"),
                list(v, "%,.0f"))));
        report.append(String.format("%n**with rules / without: %s** (min / median / max; per round: %s); target at"
                        + " least 0.9: **%s**. Recipients' edits / owners without rules: %s (per round: %s).%n%n",
                spread(ownerRatios, "%.2f"), list(ownerRatios, "%.2f"), median(ownerRatios) >= 0.9 ? "met" : "missed",
                spread(editorRatios, "%.2f"), list(editorRatios, "%.2f")));
        return report.toString();
    }

    /** Users 1, 2, … each updating {@code batch} of their own events spread over all of them; new ones each round. */
    private List<Job> ownerJobs(int round) {
        List<Job> jobs = new ArrayList<>();
        for (int u = 1; u <= batches + 1; u++) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                long j = ((long) i * (data.eventsPerUser / batch) + round) % data.eventsPerUser;
                events.add(SharedData.eventId(u + (long) data.users * j));
            }
            jobs.add(new Job(SharedData.userId(u), events));
        }
        return jobs;
    }

    /** Each editor updating {@code batch} of the events they may edit, other ones each round where they have more. */
    private List<Job> editorJobs(List<String[]> editors, int round) {
        List<Job> jobs = new ArrayList<>();
        for (String[] editor : editors) {
            List<String> events = new ArrayList<>();
            int editable = editor.length - 1;
            for (int i = 0; i < batch; i++) {
                events.add(editor[1 + (round * batch + i) % editable]);
            }
            jobs.add(new Job(editor[0], events));
        }
        return jobs;
    }

    /** {@code batches + 1} users, from user 1 up, who may edit at least {@code batch} events of others: user, ids. */
    private List<String[]> editors() throws Exception {
        List<String[]> editors = new ArrayList<>();
        for (int u = 1; editors.size() <= batches && u <= data.users; u++) {
            List<String[]> editable = SharedData.sharedWith(ds, SharedData.userId(u), true);
            if (editable.size() >= batch) {
                String[] editor = new String[editable.size() + 1];
                editor[0] = SharedData.userId(u);
                for (int i = 0; i < editable.size(); i++) {
                    editor[i + 1] = editable.get(i)[0];
                }
                editors.add(editor);
            }
        }
        check(editors.size() == batches + 1, "only " + editors.size() + " users may edit " + batch + " events of others");
        return editors;
    }

    /**
     * Each job's device pulls up to now (untimed), as a device syncs before it pushes: a change is judged against
     * what its device had pulled, and one made without having seen the last writes of its row is a conflict (logged
     * for audit), which a device that had synced would not make.
     */
    private void catchUp(SyncService sync, List<Job> jobs) throws Exception {
        String now = "c1." + SyncBench.xmin(ds) + ".0";
        for (Job job : jobs) {
            sync.pull(job.user(), node(job), now, 1);
        }
    }

    private static String node(Job job) {
        return job.user() + "-phone";
    }

    private void parallel(SyncService sync, List<Job> jobs, String contender, int round) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    push(sync, job, contender, round);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private void push(SyncService sync, Job job, String contender, int round) {
        String node = node(job);
        long first;
        synchronized (sequences) {
            first = sequences.getOrDefault(node, 0L);
            sequences.put(node, first + job.events().size());
        }
        List<RowChange> changes = new ArrayList<>();
        for (int i = 0; i < job.events().size(); i++) {
            Map<String, JsonNode> values = new LinkedHashMap<>();
            values.put("title", JsonNodeFactory.instance.textNode("Pushed in round " + round));
            values.put("notes", JsonNodeFactory.instance.textNode(contender + ", round " + round));
            changes.add(new RowChange("events", job.events().get(i), Operation.UPSERT, values,
                    new Hlc(System.currentTimeMillis(), 0, node), node, first + i + 1));
        }
        PushResponse response = sync.push(job.user(), new PushRequest(node, changes));
        for (ChangeResult result : response.results()) {
            check(result.status() == ChangeStatus.APPLIED, contender + ": a push was not applied: " + result);
        }
    }
}
