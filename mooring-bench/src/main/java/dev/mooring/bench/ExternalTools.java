package dev.mooring.bench;

import dev.mooring.embedded.EmbeddedPostgresServer;
import org.sqlite.SQLiteConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The anchors run as their users run them: pg_dump and psql as processes, SQLite's backup API directly. */
final class ExternalTools {
    private ExternalTools() {
    }

    static String version(String tool) throws IOException, InterruptedException {
        return run(List.of(tool, "--version")).strip();
    }

    /** {@code pg_dump -F<format> -f file} and the file's size; the file is deleted unless {@code keep}. */
    static long pgDump(EmbeddedPostgresServer pg, String db, String format, Path file, boolean keep) throws Exception {
        Files.deleteIfExists(file);
        run(List.of("pg_dump", "-h", "localhost", "-p", String.valueOf(pg.port()), "-U", "postgres", "-F" + format,
                "-f", file.toString(), db));
        long size = Files.size(file);
        if (!keep) {
            Files.delete(file);
        }
        return size;
    }

    static void psql(EmbeddedPostgresServer pg, String db, Path script) throws Exception {
        run(List.of("psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", "localhost", "-p", String.valueOf(pg.port()),
                "-U", "postgres", "-d", db, "-o", "/dev/null", "-f", script.toString()));
    }

    /** SQLite's online backup API in one step, as Mooring calls it, and the copy's size. */
    static long sqliteBackupApi(Path source, Path target) throws Exception {
        Files.deleteIfExists(target);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + source)) {
            c.unwrap(SQLiteConnection.class).getDatabase().backup("main", target.toString(), null, 100, 300, -1);
        }
        long size = Files.size(target);
        Files.delete(target);
        return size;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Runs {@code command} to the end and returns its output; a non-zero exit fails with that output. */
    static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }
}
