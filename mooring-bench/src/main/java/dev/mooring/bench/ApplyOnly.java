package dev.mooring.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.Operation;
import dev.mooring.sync.PullResponse;
import dev.mooring.sync.PulledChange;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.client.ClientConfig;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.sync.spi.SyncTransport;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client's own share of a bootstrap: pages of pulled events built in memory beforehand and handed over by a
 * transport that does nothing else, so the measure is {@code RemoteApply} and SQLite alone (no server, no HTTP, no
 * JSON). Reports rows per second of wall time and of the syncing thread's CPU time (the second is steadier when the
 * machine is shared). Used to measure each change to the engine's write path.
 */
final class ApplyOnly {
    private static final Set<String> BOOLEANS = Set.of("is_leap_month", "all_day", "notify_enabled");

    private ApplyOnly() {
    }

    static String run(ClientConfig config, Path work, int rows, int page, int rounds) throws Exception {
        List<PullResponse> pages = pages(rows, page);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int round = 0; round <= rounds; round++) { // round 0 warms up
            Path db = work.resolve("apply-" + round + ".db");
            ClientSyncBench.deleteDatabase(db);
            try (SyncClient client = SyncClient.open(db, config)) {
                Workspace.settleDisk();
                long start = System.nanoTime();
                long startCpu = threads.getCurrentThreadCpuTime();
                SyncReport r = client.sync(new MemoryTransport(pages));
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (threads.getCurrentThreadCpuTime() - startCpu) / 1e9;
                ClientSyncBench.check(r.applied() == rows + 1L, "applied " + r.applied());
                System.err.printf("  round %d: apply %,.0f rows/s (%.2f s), %,.0f rows/s of CPU%n", round,
                        rows / seconds, seconds, rows / cpuSeconds);
                if (round > 0) {
                    wall.add(rows / seconds);
                    cpu.add(rows / cpuSeconds);
                }
            } finally {
                ClientSyncBench.deleteDatabase(db);
            }
        }
        return String.format("### Apply only: %,d events in pages of %,d from memory (median of %d rounds after a"
                        + " warm-up)%n%n| measure | rows/s, median | per round |%n|---|---|---|%n"
                        + "| wall time | %,.0f | %s |%n| CPU time of the syncing thread | %,.0f | %s |%n%n", rows, page,
                rounds, ClientSyncBench.median(wall), ClientSyncBench.list(wall, "%,.0f"), ClientSyncBench.median(cpu),
                ClientSyncBench.list(cpu, "%,.0f"));
    }

    /** The user row, then the events, as a bootstrap delivers them: values as PostgreSQL's JSON has them. */
    private static List<PullResponse> pages(int rows, int size) {
        Hlc now = new Hlc(System.currentTimeMillis(), 0, "server");
        List<PulledChange> all = new ArrayList<>(rows + 1);
        Map<String, JsonNode> user = new LinkedHashMap<>();
        user.put("id", TextNode.valueOf(ReminderRows.userId(1)));
        user.put("email", TextNode.valueOf("user1@example.com"));
        all.add(new PulledChange(0, "users", ReminderRows.userId(1), Operation.UPSERT, user, now, "server"));
        for (int g = 1; g <= rows; g++) {
            Object[] row = ReminderRows.event(1, g);
            Map<String, JsonNode> values = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                String column = ReminderRows.COLUMNS.get(i);
                Object v = row[i];
                values.put(column, v == null ? NullNode.getInstance()
                        : BOOLEANS.contains(column) ? BooleanNode.valueOf((Integer) v == 1)
                        : v instanceof Integer ? IntNode.valueOf((Integer) v) : TextNode.valueOf((String) v));
            }
            all.add(new PulledChange(0, "events", (String) row[0], Operation.UPSERT, values, now, "server"));
        }
        List<PullResponse> pages = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            int to = Math.min(all.size(), from + size);
            boolean last = to == all.size();
            pages.add(new PullResponse(all.subList(from, to), last ? "done" : "p" + pages.size(), !last, true, now));
        }
        return pages;
    }

    /** Hands out the prepared pages by cursor: none for the first, {@code p<i>} for the one after page i. */
    private static final class MemoryTransport implements SyncTransport {
        private final List<PullResponse> pages;

        MemoryTransport(List<PullResponse> pages) {
            this.pages = pages;
        }

        @Override
        public HandshakeResponse handshake(Handshake handshake) {
            return new HandshakeResponse(true, "", null, pages.get(0).serverTime());
        }

        @Override
        public PullResponse pull(String nodeId, String cursor, int limit) {
            return pages.get(cursor == null ? 0 : Integer.parseInt(cursor.substring(1)) + 1);
        }

        @Override
        public PushResponse push(PushRequest request) {
            throw new IllegalStateException("nothing to push in a bootstrap");
        }
    }
}
