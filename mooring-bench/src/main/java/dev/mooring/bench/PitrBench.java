package dev.mooring.bench;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BaseBackups;
import dev.mooring.backup.Compression;
import dev.mooring.backup.WalArchive;
import dev.mooring.core.DatabaseUrl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Point-in-time recovery's two hot paths against pgBackRest and a plain-copy floor, in one run: a base backup of an
 * embedded PostgreSQL's data directory, and WAL push throughput, one process per segment as PostgreSQL's archiver
 * runs {@code archive_command}. The server is PostgreSQL 15 by default (zonky's binaries, copied by the build), since
 * the machine's pgBackRest 2.45 (Debian 12) refuses PostgreSQL 18 ("unexpected control version = 1800").
 * <pre>
 * java -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.PitrBench [--scale 1.25] [--rounds 3]
 *      [--segments 32] [--work target/pitr-bench] [--cli mooring-cli/target/mooring.jar]
 *      [--binaries mooring-bench/target/postgres-15/postgres-15-linux-amd64.jar]
 *      [--only basebackup|push] [--markdown results.md]
 * </pre>
 * Every contender runs once to warm up, then {@code rounds} times in an order that rotates each round; before each
 * turn the disk is settled ({@code sync}, untimed), and after each round every repository is emptied (untimed).
 */
public final class PitrBench {
    static final double BASE_TARGET = 0.9;
    static final double PUSH_TARGET = 1.0;

    private static final String MOORING_BASE = "mooring basebackup (CLI)";
    private static final String MOORING_BASE_API = "BaseBackups.take in-process (diagnostic)";
    private static final String PGBACKREST_BASE = "pgbackrest backup --type=full";
    private static final String START_STOP_WAIT = "pg_backup_start + pg_backup_stop(true) alone (diagnostic)";
    private static final String START_STOP = "pg_backup_start + pg_backup_stop(false) alone (diagnostic)";
    private static final String COPY_FLOOR = "cp -a + sync (floor)";
    private static final String MOORING_PUSH = "mooring wal push (CLI)";
    private static final String MOORING_PUSH_API = "WalArchive.push in-process (diagnostic)";
    private static final String MOORING_ARCHIVER = "mooring wal archiver + its archive_command";
    private static final String JVM_START = "java -jar mooring.jar --version (diagnostic)";
    private static final String PGBACKREST_PUSH = "pgbackrest archive-push";
    private static final String CP_FLOOR = "cp per segment + sync (floor)";

    private final Path work;
    private final int rounds;
    private final Path cli;
    private final StringBuilder report = new StringBuilder();

    private PitrBench(Path work, int rounds, Path cli) {
        this.work = work;
        this.rounds = rounds;
        this.cli = cli;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args);
        double scale = Double.parseDouble(options.getOrDefault("--scale", "1.25"));
        int segments = Integer.parseInt(options.getOrDefault("--segments", "32"));
        Path cli = Path.of(options.getOrDefault("--cli", "mooring-cli/target/mooring.jar")).toAbsolutePath();
        if (!Files.isRegularFile(cli)) {
            throw new IllegalArgumentException(cli + " is missing: build it first (mvn -B -q -o -DskipTests package)");
        }
        Path work = Path.of(options.getOrDefault("--work", "target/pitr-bench")).toAbsolutePath();
        if (Files.exists(work)) {
            ExternalTools.deleteTree(work);
        }
        PitrBench bench = new PitrBench(Files.createDirectories(work),
                Integer.parseInt(options.getOrDefault("--rounds", "3")), cli);
        String only = options.getOrDefault("--only", "all");
        Path binaries = Path.of(options.getOrDefault("--binaries",
                "mooring-bench/target/postgres-15/postgres-15-linux-amd64.jar"));
        try (PitrServer server = PitrServer.start(binaries, work.resolve("pgdata"), work.resolve("wal-source"))) {
            System.err.println("generating data at scale " + scale + " ...");
            server.generate(scale, segments);
            server.archiveIntoNothing();
            PgBackRest pgbackrest = PgBackRest.configure(work.resolve("pgbackrest"), server.dataDirectory(),
                    server.port(), server.socketDirectory());
            pgbackrest.resetRepository();
            bench.report.append(String.format(Locale.ROOT, "%s (data checksums %s), %s, java %s; scale %s: database %d"
                            + " MB, data directory %d MB without pg_wal (%d files); %d WAL segments of %d MB; load"
                            + " average at the start %s%n%n", server.version(), server.dataChecksums() ? "on" : "off",
                    PgBackRest.version(), System.getProperty("java.version"), scale, server.databaseBytes() / 1_000_000,
                    server.contentBytes() / 1_000_000, server.contentFiles(), segments, server.segmentBytes() >> 20,
                    loadAverage()));
            if (!only.equals("push")) {
                bench.baseBackup(server, pgbackrest);
            }
            if (!only.equals("basebackup")) {
                bench.push(server, pgbackrest, server.segments());
            }
        } finally {
            bench.report.append("Load average at the end: ").append(loadAverage()).append('\n');
            System.out.println(bench.report);
            if (options.containsKey("--markdown")) {
                Files.writeString(Path.of(options.get("--markdown")), bench.report.toString());
            }
            ExternalTools.deleteTree(work);
        }
    }

    private void baseBackup(PitrServer server, PgBackRest pgbackrest) throws Exception {
        Path mooringDir = work.resolve("mooring-base");
        Path apiDir = work.resolve("mooring-base-api");
        Path copy = work.resolve("copy");
        BackupConfig config = BackupConfig.defaults().withDir(apiDir).withCompression(Compression.ZSTD).withJobs(2);
        Map<String, Callable<Long>> contenders = new LinkedHashMap<>();
        contenders.put(MOORING_BASE, () -> {
            ExternalTools.run(List.of(java(), "-jar", cli.toString(), "basebackup", "--url", server.url().jdbcUrl(), "--user", "postgres",
                    "--dir", mooringDir.toString(), "--compress", "zstd", "--jobs", "2",
                    "--pgdata", server.dataDirectory().toString()));
            return PgBackRest.bytesUnder(mooringDir);
        });
        contenders.put(MOORING_BASE_API, () -> {
            BaseBackups.create(config).take(server.url(), server.dataDirectory());
            return PgBackRest.bytesUnder(apiDir);
        });
        contenders.put(PGBACKREST_BASE, pgbackrest::fullBackup);
        contenders.put(START_STOP_WAIT, () -> {
            server.startAndStopBackup(true);
            return 0L;
        });
        contenders.put(START_STOP, () -> {
            server.startAndStopBackup(false);
            return 0L;
        });
        contenders.put(COPY_FLOOR, () -> {
            Files.createDirectories(copy);
            List<String> line = new ArrayList<>(List.of("cp", "-a"));
            server.topLevelEntriesBesidesWal().forEach(p -> line.add(p.toString()));
            line.add(copy.toString());
            ExternalTools.run(line);
            ExternalTools.run(List.of("sync"));
            return 0L;
        });
        Map<String, Timing> timings = Timing.measure(contenders, rounds, Workspace::settleDisk, () -> {
            emptyQuietly(mooringDir);
            emptyQuietly(apiDir);
            emptyQuietly(copy);
            reset(pgbackrest);
        });
        long bytes = server.contentBytes();
        report.append("### Base backup (").append(bytes / 1_000_000).append(" MB data directory without pg_wal; ")
                .append(rounds).append(" measured rounds after 1 warm-up, one run)\n\n");
        report.append(Timing.spreadTable(timings, bytes, PGBACKREST_BASE, COPY_FLOOR)).append('\n');
        report.append(verdict("base backup", timings, MOORING_BASE, PGBACKREST_BASE, BASE_TARGET));
        report.append(verdict("base backup, in-process (diagnostic)", timings, MOORING_BASE_API, PGBACKREST_BASE,
                BASE_TARGET)).append('\n');
    }

    private void push(PitrServer server, PgBackRest pgbackrest, List<Path> segments) throws Exception {
        Path mooringDir = work.resolve("mooring-wal");
        Path apiDir = work.resolve("mooring-wal-api");
        Path copyDir = work.resolve("wal-copy");
        BackupConfig config = BackupConfig.defaults().withDir(apiDir).withCompression(Compression.ZSTD);
        Map<String, Callable<Long>> contenders = new LinkedHashMap<>();
        contenders.put(MOORING_PUSH, () -> {
            for (Path segment : segments) {
                ExternalTools.run(List.of(java(), "-jar", cli.toString(), "wal", "push", segment.toString(),
                        "--dir", mooringDir.toString(), "--compress", "zstd"));
            }
            return PgBackRest.bytesUnder(mooringDir);
        });
        contenders.put(MOORING_PUSH_API, () -> {
            try (WalArchive archive = WalArchive.open(config)) {
                segments.forEach(archive::push);
            }
            return PgBackRest.bytesUnder(apiDir);
        });
        contenders.put(JVM_START, () -> {
            for (int i = 0; i < segments.size(); i++) {
                ExternalTools.run(List.of(java(), "-jar", cli.toString(), "--version"));
            }
            return 0L;
        });
        contenders.put(PGBACKREST_PUSH, () -> {
            for (Path segment : segments) {
                pgbackrest.archivePush(segment);
            }
            return pgbackrest.archivedBytes();
        });
        contenders.put(CP_FLOOR, () -> {
            Files.createDirectories(copyDir);
            for (Path segment : segments) {
                ExternalTools.run(List.of("cp", segment.toString(), copyDir.resolve(segment.getFileName()).toString()));
            }
            ExternalTools.run(List.of("sync"));
            return 0L;
        });
        Path asyncDir = work.resolve("mooring-wal-async");
        AsyncArchiver async = AsyncArchiver.start(java(), cli, work.resolve("async-pgdata"), asyncDir);
        contenders.put(MOORING_ARCHIVER, () -> {
            async.archiveAsPostgresWould(segments);
            return PgBackRest.bytesUnder(asyncDir);
        });
        Map<String, Timing> timings;
        try {
            timings = Timing.measure(contenders, rounds, Workspace::settleDisk, () -> {
                emptyQuietly(mooringDir);
                emptyQuietly(apiDir);
                emptyQuietly(copyDir);
                emptyQuietly(asyncDir);
                reset(pgbackrest);
            });
        } finally {
            async.close();
        }
        long bytes = segments.size() * server.segmentBytes();
        report.append("### WAL push, ").append(segments.size()).append(" segments one after another (")
                .append(bytes / 1_000_000).append(" MB; ").append(rounds)
                .append(" measured rounds after 1 warm-up, one run)\n\n");
        report.append(Timing.spreadTable(timings, bytes, PGBACKREST_PUSH, CP_FLOOR)).append('\n');
        report.append(String.format(Locale.ROOT, "Per segment (median): %s%n%n", perSegment(timings, segments.size())));
        report.append(verdict("WAL push", timings, MOORING_PUSH, PGBACKREST_PUSH, PUSH_TARGET));
        report.append(verdict("WAL push, in-process (diagnostic)", timings, MOORING_PUSH_API, PGBACKREST_PUSH,
                PUSH_TARGET));
        report.append(verdict("WAL push with the archiver", timings, MOORING_ARCHIVER, PGBACKREST_PUSH,
                PUSH_TARGET)).append('\n');
    }

    private static String perSegment(Map<String, Timing> timings, int segments) {
        List<String> parts = new ArrayList<>();
        timings.forEach((name, t) -> parts.add(String.format(Locale.ROOT, "%s %.0f ms", name,
                t.median() * 1000 / segments)));
        return String.join("; ", parts);
    }

    /**
     * Mooring's speed as a multiple of pgBackRest's: the median of pgBackRest's time over Mooring's, and the same
     * ratio within each round (the contenders of one round ran back to back, so it resists drift).
     */
    static String verdict(String what, Map<String, Timing> timings, String mooring, String anchor, double target) {
        Timing m = timings.get(mooring);
        Timing a = timings.get(anchor);
        double ratio = a.median() / m.median();
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < m.seconds.size(); i++) {
            perRound.add(String.format(Locale.ROOT, "%.2f", a.seconds.get(i) / m.seconds.get(i)));
        }
        return String.format(Locale.ROOT, "**%s: Mooring at %.2f× pgBackRest's speed** (medians; per round: %s);"
                + " target ≥ %.1f×: %s%n", what, ratio, String.join(", ", perRound), target,
                ratio >= target ? "met" : "**missed**");
    }

    private static void reset(PgBackRest pgbackrest) {
        try {
            pgbackrest.resetRepository();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void emptyQuietly(Path dir) {
        try {
            if (Files.exists(dir)) {
                ExternalTools.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        return Files.exists(loadavg) ? String.join(" ", List.of(Files.readString(loadavg).split(" ")).subList(0, 3)) : "?";
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
