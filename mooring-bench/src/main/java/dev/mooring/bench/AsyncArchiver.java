package dev.mooring.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code mooring wal archiver} as a user runs it (the CLI jar, started once, outside the timings) over a stand-in data
 * directory, and PostgreSQL's side of archiving played as the archiver process plays it: for each segment, in
 * order, mark it {@code .ready}, run the printed {@code archive_command} with {@code sh -c} in the data directory
 * ({@code %p}, {@code %f} substituted), and on success rename {@code .ready} to {@code .done}. Not thread-safe.
 */
final class AsyncArchiver implements AutoCloseable {
    private final Path pgdata;
    private final Process archiver;
    private final String archiveCommand;

    private AsyncArchiver(Path pgdata, Process archiver, String archiveCommand) {
        this.pgdata = pgdata;
        this.archiver = archiver;
        this.archiveCommand = archiveCommand;
    }

    static AsyncArchiver start(String java, Path cli, Path pgdata, Path archive) throws IOException {
        Files.createDirectories(pgdata.resolve("pg_wal/archive_status"));
        Process p = new ProcessBuilder(java, "-jar", cli.toString(), "wal", "archiver", "--pgdata", pgdata.toString(),
                "--dir", archive.toString(), "--compress", "zstd", "--jobs", "2").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        String setting = out.readLine();
        if (setting == null || !setting.startsWith("archive_command = '")) {
            p.destroyForcibly();
            throw new IllegalStateException("mooring wal archiver did not start: " + first + " / " + setting);
        }
        Thread drain = new Thread(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        }, "archiver-output");
        drain.setDaemon(true);
        drain.start();
        String command = setting.substring("archive_command = '".length(), setting.length() - 1).replace("''", "'");
        return new AsyncArchiver(pgdata, p, command);
    }

    /** Lays the segments into pg_wal (hard links) and archives them one after another as PostgreSQL would. */
    void archiveAsPostgresWould(List<Path> segments) throws IOException, InterruptedException {
        clear();
        Path wal = pgdata.resolve("pg_wal");
        for (Path segment : segments) {
            Files.createLink(wal.resolve(segment.getFileName()), segment);
        }
        // a burst: every segment is complete and ready at once, as after a bulk load; the archiver may run ahead
        for (Path segment : segments) {
            Files.createFile(wal.resolve("archive_status").resolve(segment.getFileName() + ".ready"));
        }
        for (Path segment : segments) {
            String name = segment.getFileName().toString();
            String command = substitute(archiveCommand, "pg_wal/" + name, name);
            Process p = new ProcessBuilder("sh", "-c", command).directory(pgdata.toFile()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("archive_command failed for " + name + ": " + output);
            }
            Path status = wal.resolve("archive_status");
            Files.move(status.resolve(name + ".ready"), status.resolve(name + ".done"));
        }
    }

    /** Removes the previous turn's segments, status files and markers. */
    private void clear() throws IOException {
        for (String folder : List.of("pg_wal", "pg_wal/archive_status", "pg_wal/.mooring-archived")) {
            Path dir = pgdata.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** PostgreSQL's substitution: %p, %f, and %% for a literal %. */
    static String substitute(String command, String path, String file) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '%' && i + 1 < command.length()) {
                char next = command.charAt(i + 1);
                if (next == 'p' || next == 'f' || next == '%') {
                    out.append(next == 'p' ? path : next == 'f' ? file : "%");
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        archiver.destroy();
        if (!archiver.waitFor(60, TimeUnit.SECONDS)) {
            archiver.destroyForcibly();
        }
    }
}
