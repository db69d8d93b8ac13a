package dev.mooring.bench;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.Backups;
import dev.mooring.backup.Compression;
import dev.mooring.backup.RestoreOptions;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Mooring's backups against pg_dump, psql and the raw floors, side by side in one run, as ratios.
 * <pre>
 * java -cp mooring-bench/target/benchmarks.jar dev.mooring.bench.BackupBench [--scale 1.0] [--rounds 3]
 *      [--binaries mooring-bench/target/postgres-15/postgres-15-linux-amd64.jar] [--work target/backup-bench]
 *      [--only postgresql|sqlite] [--markdown results.md]
 * </pre>
 * The machine's pg_dump and psql refuse servers newer than themselves, so everything runs on a PostgreSQL server of
 * their major version, started from zonky's binaries. Every contender runs once to warm up, then {@code rounds}
 * times in an order that rotates each round; the median is reported.
 */
public final class BackupBench {
    private final Path work;
    private final int rounds;
    private final StringBuilder report = new StringBuilder();

    private BackupBench(Path work, int rounds) {
        this.work = work;
        this.rounds = rounds;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args);
        double scale = Double.parseDouble(options.getOrDefault("--scale", "1.0"));
        Path binaries = Path.of(options.getOrDefault("--binaries", "mooring-bench/target/postgres-15/postgres-15-linux-amd64.jar"));
        BackupBench bench = new BackupBench(Files.createDirectories(Path.of(options.getOrDefault("--work", "target/backup-bench"))),
                Integer.parseInt(options.getOrDefault("--rounds", "3")));
        bench.report.append("pg_dump: ").append(ExternalTools.version("pg_dump")).append(", psql: ")
                .append(ExternalTools.version("psql")).append(", scale ").append(scale).append("\n\n");
        String only = options.getOrDefault("--only", "all");
        if (!only.equals("sqlite")) {
            bench.postgres(binaries, scale);
        }
        if (!only.equals("postgresql")) {
            bench.sqliteBackup(scale);
        }
        System.out.println(bench.report);
        if (options.containsKey("--markdown")) {
            Files.writeString(Path.of(options.get("--markdown")), bench.report.toString());
        }
    }

    private void postgres(Path binaries, double scale) throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.startTemporary(binaries)) {
            pg.createDatabaseIfMissing("multi");
            pg.createDatabaseIfMissing("single");
            BackupData.multiTable(pg.dataSource("multi"), scale);
            BackupData.singleTable(pg.dataSource("single"), scale);
            postgresBackup(pg, "multi", "several tables");
            postgresBackup(pg, "single", "one table");
            postgresRestore(pg, "multi");
        }
    }

    private void postgresBackup(EmbeddedPostgresServer pg, String db, String what) throws Exception {
        DatabaseUrl url = pg.url(db);
        long bytes = CopyFloor.run(url.toDataSource(), 1);
        Map<String, Callable<Long>> contenders = new LinkedHashMap<>();
        contenders.put("COPY floor, 1 connection", () -> floor(url, 1));
        contenders.put("COPY floor, 2 connections", () -> floor(url, 2));
        contenders.put("pg_dump -Fp", () -> ExternalTools.pgDump(pg, db, "p", work.resolve("pg_dump.sql"), false));
        contenders.put("pg_dump -Fc", () -> ExternalTools.pgDump(pg, db, "c", work.resolve("pg_dump.custom"), false));
        contenders.put("mooring none, jobs 1", () -> mooring(url, Compression.NONE, 1));
        contenders.put("mooring none, jobs 2", () -> mooring(url, Compression.NONE, 2));
        contenders.put("mooring zstd, jobs 1", () -> mooring(url, Compression.ZSTD, 1));
        contenders.put("mooring zstd, jobs 2", () -> mooring(url, Compression.ZSTD, 2));
        contenders.put("mooring gzip, jobs 2", () -> mooring(url, Compression.GZIP, 2));
        Map<String, Timing> timings = Timing.measure(contenders, rounds);
        report.append("### Backup, PostgreSQL, ").append(what).append(" (").append(mb(bytes)).append(" MB of COPY text)\n\n");
        report.append(Timing.table(timings, bytes, "pg_dump -Fp", "COPY floor, 1 connection")).append('\n');
    }

    /** The floor writes no file: its "file size" is 0. */
    private static long floor(DatabaseUrl url, int connections) throws Exception {
        CopyFloor.run(url.toDataSource(), connections);
        return 0;
    }

    private long mooring(DatabaseUrl url, Compression compression, int jobs) throws IOException {
        Path dir = Files.createDirectories(work.resolve("mooring"));
        BackupManifest m = Backups.create(url, BackupConfig.defaults().withDir(dir).withCompression(compression)
                .withJobs(jobs)).backup();
        long size = m.fileBytes();
        ExternalTools.deleteTree(dir);
        return size;
    }

    /** A SQLite backup and its first verification, which reads every row for the manifest's checksums. */
    private long mooringAndVerify(DatabaseUrl url) throws IOException {
        Path dir = Files.createDirectories(work.resolve("mooring"));
        BackupConfig config = BackupConfig.defaults().withDir(dir).withCompression(Compression.NONE);
        BackupManifest m = Backups.create(url, config).backup();
        if (!Backups.verify(dir.resolve(m.file()), false, null, config).passed()) {
            throw new IllegalStateException("the benchmark's backup did not verify");
        }
        long size = m.fileBytes();
        ExternalTools.deleteTree(dir);
        return size;
    }

    private void postgresRestore(EmbeddedPostgresServer pg, String db) throws Exception {
        Path plain = work.resolve("restore-pg_dump.sql");
        ExternalTools.pgDump(pg, db, "p", plain, true);
        Path dir = Files.createDirectories(work.resolve("restore-mooring"));
        BackupManifest m = Backups.create(pg.url(db), BackupConfig.defaults().withDir(dir).withCompression(Compression.NONE)).backup();
        Path mooringFile = dir.resolve(m.file());
        long bytes = CopyFloor.run(pg.url(db).toDataSource(), 1);
        List<String> created = new ArrayList<>();
        Map<String, Callable<Long>> contenders = new LinkedHashMap<>();
        contenders.put("psql -1 -f (pg_dump -Fp output)", () -> {
            String target = fresh(pg, created);
            ExternalTools.psql(pg, target, plain);
            return 0L;
        });
        contenders.put("mooring restore (one transaction)", () -> {
            String target = fresh(pg, created);
            Backups.create(pg.url(target), BackupConfig.defaults().withDir(dir)).restore(mooringFile, RestoreOptions.defaults());
            return 0L;
        });
        Map<String, Timing> timings = Timing.measure(contenders, rounds, () -> {
            created.forEach(pg::dropDatabase);
            created.clear();
        });
        report.append("### Restore, PostgreSQL, several tables, into an empty database\n\n");
        report.append(Timing.table(timings, bytes, "psql -1 -f (pg_dump -Fp output)", null)).append('\n');
        ExternalTools.deleteTree(dir);
        Files.deleteIfExists(plain);
    }

    private static String fresh(EmbeddedPostgresServer pg, List<String> created) {
        String name = "restore_" + created.size();
        pg.createDatabaseIfMissing(name);
        created.add(name);
        return name;
    }

    private void sqliteBackup(double scale) throws Exception {
        Path file = work.resolve("client.db");
        Files.deleteIfExists(file);
        BackupData.sqlite(file, scale);
        long bytes = Files.size(file);
        DatabaseUrl url = DatabaseUrl.parse(file.toString());
        Map<String, Callable<Long>> contenders = new LinkedHashMap<>();
        contenders.put("online backup API (floor)", () -> ExternalTools.sqliteBackupApi(file, work.resolve("floor.db")));
        contenders.put("mooring none", () -> mooring(url, Compression.NONE, 1));
        contenders.put("mooring zstd", () -> mooring(url, Compression.ZSTD, 1));
        contenders.put("mooring none, then verify", () -> mooringAndVerify(url));
        Map<String, Timing> timings = Timing.measure(contenders, rounds);
        report.append("### Backup, SQLite (").append(mb(bytes)).append(" MB file)\n\n");
        report.append(Timing.table(timings, bytes, "online backup API (floor)", null)).append('\n');
        Files.deleteIfExists(file);
    }

    static long mb(long bytes) {
        return Math.round(bytes / 1e6);
    }
}
