package dev.mooring.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncedTable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One sync server in a JVM of its own, so that {@link LiveBench} can measure its memory alone. Arguments: a
 * PostgreSQL URL ({@code postgresql://user@host:port/db}) where {@link #CONFIG} is installed, and the size of its
 * connection pool. It serves on a free loopback port, prints {@code LISTENING <port>}, then answers one line on
 * standard output per line on standard input:
 * <ul>
 *   <li>{@code HEAP}: runs {@code System.gc()} and prints a {@link Heap} line;</li>
 *   <li>{@code WAITING}: prints {@code WAITING <n>}, the live clients waiting at it now.</li>
 * </ul>
 * It stops when its standard input ends.
 */
public final class LiveServerMain {
    /** The bench's synced table, the same in the parent and in every server. */
    static final String TABLE_SQL = "CREATE TABLE notes (id text PRIMARY KEY, user_id text NOT NULL, title text,"
            + " deleted_at timestamptz)";
    static final SyncConfig CONFIG = SyncConfig.of(SyncedTable.owned("notes"));

    private LiveServerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: LiveServerMain <postgresql://user@host:port/db> <pool size>");
        }
        try (HikariDataSource ds = SyncBench.pool(DatabaseUrl.parse(args[0]).toDataSource(), "live-server",
                Integer.parseInt(args[1]));
             SyncServer server = SyncServer.start(ds, CONFIG, ServerOptions.defaults().withHost("127.0.0.1")
                     .withPort(0))) {
            System.out.println("LISTENING " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                switch (line.strip()) {
                    case "HEAP" -> System.out.println(Heap.measure().line());
                    case "WAITING" -> System.out.println("WAITING " + server.live().waiting());
                    default -> System.out.println("ERROR unknown command '" + line + "': HEAP or WAITING");
                }
                System.out.flush();
            }
        }
    }

    /**
     * A server JVM's memory: heap used before and after a full {@code System.gc()} ({@link MemoryMXBean}), heap
     * committed, the process's resident set ({@code VmRSS}), live threads, and the collector.
     */
    record Heap(long usedBeforeGc, long usedAfterGc, long committed, long rss, int threads, String collector) {
        static Heap measure() throws IOException {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = memory.getHeapMemoryUsage().getUsed();
            System.gc();
            long after = memory.getHeapMemoryUsage().getUsed();
            String collector = ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .map(GarbageCollectorMXBean::getName).collect(Collectors.joining("+")).replace(' ', '_');
            return new Heap(before, after, memory.getHeapMemoryUsage().getCommitted(), residentSetSize(),
                    ManagementFactory.getThreadMXBean().getThreadCount(), collector);
        }

        /** {@code VmRSS} of /proc/self/status, in bytes; -1 where there is none. */
        private static long residentSetSize() throws IOException {
            Path status = Path.of("/proc/self/status");
            if (!Files.exists(status)) {
                return -1;
            }
            return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmRSS:"))
                    .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElse(-1);
        }

        String line() {
            return "HEAP before=" + usedBeforeGc + " after=" + usedAfterGc + " committed=" + committed + " rss=" + rss
                    + " threads=" + threads + " gc=" + collector;
        }

        static Heap parse(String line) {
            if (!line.startsWith("HEAP ")) {
                throw new IllegalStateException("expected a HEAP line from the server, got: " + line);
            }
            Map<String, String> fields = new HashMap<>();
            for (String field : line.substring(5).split(" ")) {
                String[] kv = field.split("=", 2);
                fields.put(kv[0], kv[1]);
            }
            return new Heap(Long.parseLong(fields.get("before")), Long.parseLong(fields.get("after")),
                    Long.parseLong(fields.get("committed")), Long.parseLong(fields.get("rss")),
                    Integer.parseInt(fields.get("threads")), fields.get("gc"));
        }
    }
}
