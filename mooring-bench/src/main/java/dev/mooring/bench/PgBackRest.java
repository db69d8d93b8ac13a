package dev.mooring.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * pgBackRest (the machine's {@code pgbackrest}, Debian's package) as the PITR benchmark runs it: one stanza,
 * {@code bench}, on a repository folder of its own, configured by a {@code pgbackrest.conf} this class writes. Every
 * call is a new {@code pgbackrest} process, as {@code archive_command} and a cron job run it. Not thread-safe.
 */
final class PgBackRest {
    static final String STANZA = "bench";

    private final Path home;
    private final Path config;
    private final Path repo;

    private PgBackRest(Path home) {
        this.home = home;
        this.config = home.resolve("pgbackrest.conf");
        this.repo = home.resolve("repo");
    }

    /**
     * Writes the configuration for the server whose data directory is {@code pgdata}: zstd at pgBackRest's default
     * level for it (3, Mooring's level too), {@code process-max=2}, a fast checkpoint at the start (Mooring's
     * {@code pg_backup_start(label, true)} asks for one too), no archive check (the server's {@code archive_command}
     * archives into nothing while base backups are timed, see PitrBench), everything else at its default.
     */
    static PgBackRest configure(Path home, Path pgdata, int port, String socketDirectory) throws IOException {
        PgBackRest b = new PgBackRest(Files.createDirectories(home));
        Files.createDirectories(home.resolve("log"));
        Files.writeString(b.config, String.join("\n",
                "[global]",
                "repo1-path=" + b.repo,
                "log-path=" + home.resolve("log"),
                "lock-path=" + home.resolve("lock"),
                "spool-path=" + home.resolve("spool"),
                "log-level-console=warn",
                "compress-type=zst",
                "process-max=2",
                "start-fast=y",
                "archive-check=n",
                "",
                "[" + STANZA + "]",
                "pg1-path=" + pgdata.toAbsolutePath(),
                "pg1-port=" + port,
                "pg1-socket-path=" + socketDirectory,
                "pg1-user=postgres",
                ""));
        return b;
    }

    Path config() {
        return config;
    }

    static String version() throws IOException, InterruptedException {
        return ExternalTools.run(List.of("pgbackrest", "version")).strip();
    }

    /** Deletes the repository and creates the stanza afresh, so every round starts from an empty repository. */
    void resetRepository() throws IOException, InterruptedException {
        if (Files.exists(repo)) {
            ExternalTools.deleteTree(repo);
        }
        command("stanza-create");
    }

    /** {@code pgbackrest backup --type=full}; returns the bytes the repository holds for it. */
    long fullBackup() throws IOException, InterruptedException {
        command("backup", "--type=full");
        return bytesUnder(repo.resolve("backup").resolve(STANZA));
    }

    /** {@code pgbackrest archive-push <segment>}, as {@code archive_command} runs it. */
    void archivePush(Path segment) throws IOException, InterruptedException {
        command("archive-push", segment.toAbsolutePath().toString());
    }

    /** The bytes of the archived WAL in the repository. */
    long archivedBytes() throws IOException {
        return bytesUnder(repo.resolve("archive").resolve(STANZA));
    }

    private void command(String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("pgbackrest", "--config=" + config, "--stanza=" + STANZA));
        line.addAll(List.of(args));
        ExternalTools.run(line);
    }

    static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Override
    public String toString() {
        return "pgBackRest with " + config + " (home " + home + ")";
    }
}
