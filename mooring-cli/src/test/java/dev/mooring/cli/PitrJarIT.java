package dev.mooring.cli;

import dev.mooring.testing.ArchivingPostgres;
import dev.mooring.testing.S3ProxyExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-in-time recovery as a user runs it: the real jar is the embedded server's archive_command (into an encrypted
 * WAL archive in S3, S3Proxy), takes the base backup, and restores to a moment between t2 and t3 with itself as
 * restore_command.
 */
class PitrJarIT {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    static final String PASSPHRASE = "pitr passphrase 7Yq";

    @TempDir
    Path dir;
    ArchivingPostgres server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(S3.environment());
        env.put("MOORING_BACKUP_PASSPHRASE", PASSPHRASE);
        return env;
    }

    JarRun run(List<String> place, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(place);
        JarRun run = JarRun.of(dir, env(), null, all.toArray(String[]::new));
        assertThat(run.output()).doesNotContain(S3ProxyExtension.SECRET_KEY).doesNotContain(PASSPHRASE);
        return run;
    }

    @Test
    void theJarArchivesTakesABaseBackupAndRestoresToAMomentBetweenT2AndT3() throws Exception {
        String bucket = S3.createBucket();
        List<String> place = List.of("--dir", "s3://" + bucket + "/pg", "--s3-endpoint", S3.endpoint().toString(),
                "--s3-path-style");
        String jar = Path.of("target", "mooring.jar").toAbsolutePath().toString();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the server's environment is this JVM's: the archive_command brings the credentials it needs with it
        StringBuilder archiveCommand = new StringBuilder("env");
        env().forEach((k, v) -> archiveCommand.append(' ').append(k).append("='").append(v).append('\''));
        archiveCommand.append(" '").append(java).append("' -jar '").append(jar).append("' wal push %p --encrypt");
        place.forEach(w -> archiveCommand.append(' ').append(w));
        server = ArchivingPostgres.start(dir.resolve("source"), archiveCommand.toString());
        server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");

        JarRun base = run(place, "basebackup", "--url", server.url().jdbcUrl(), "--user", "postgres", "--encrypt",
                "--jobs", "2");
        assertThat(base.code()).as(base.output()).isZero();
        assertThat(base.output()).contains("Base backup base-").contains("s3://" + bucket + "/pg/base/");

        server.execute("INSERT INTO notes VALUES (1, 't1')");
        server.switchWal();
        server.execute("INSERT INTO notes VALUES (2, 't2')");
        server.switchWal();
        String between = server.query("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')") + "+00";
        server.execute("INSERT INTO notes VALUES (3, 't3')");
        server.awaitArchived(server.switchWal());

        Path pgdata = dir.resolve("restored");
        JarRun restore = run(place, "restore", "--pitr", "--target-time", between, "--pgdata", pgdata.toString());
        assertThat(restore.code()).as(restore.output()).isZero();
        assertThat(restore.output()).contains("Restored " + pgdata + " from base backup base-")
                .contains("recovery: recovery stopping before commit of transaction")
                .containsPattern("postgres +public\\.notes +2\\b")
                .contains("stopped; start it with: ");
        // (the archive_command above it is the source's, copied with the data directory, secrets and all)
        String restoreCommand = Files.readAllLines(pgdata.resolve("postgresql.auto.conf")).stream()
                .filter(l -> l.startsWith("restore_command")).findFirst().orElseThrow();
        assertThat(restoreCommand).contains("restore_command = '" + java + " -jar " + jar + " wal fetch %f %p --dir s3://"
                + bucket + "/pg --s3-endpoint " + S3.endpoint() + " --s3-path-style'")
                .doesNotContain(PASSPHRASE)
                .doesNotContain(S3ProxyExtension.SECRET_KEY);

        JarRun nonEmpty = run(place, "restore", "--pitr", "--target", "latest", "--pgdata", pgdata.toString());
        assertThat(nonEmpty.code()).isEqualTo(2);
        assertThat(nonEmpty.output()).contains("error: the data directory " + pgdata + " is not empty");

        JarRun check = run(place, "wal", "check", "--url", server.url().jdbcUrl(), "--user", "postgres");
        assertThat(check.code()).as(check.output()).isZero();
        assertThat(check.output()).contains("archive_mode on").containsPattern("Archiving works: [0-9A-F]{24} arrived in s3://"
                + bucket + "/pg/wal");

        JarRun prune = run(place, "prune", "--keep-days", "0");
        assertThat(prune.code()).as(prune.output()).isZero();
        assertThat(prune.output()).contains("Point-in-time recovery archive:").contains("the newest base backup")
                .containsPattern("Deleted 0 base backup\\(s\\) and \\d+ WAL file\\(s\\); kept 1 base backup\\(s\\)");
    }

    @Test
    void theArchiverPrintsAnArchiveCommandThatRunsAsPrintedAndArchivesAheadOfPostgres() throws Exception {
        Path archive = dir.resolve("archive");
        server = ArchivingPostgres.start(dir.resolve("source"), "false");
        server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        Process archiver = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of("target", "mooring.jar").toAbsolutePath().toString(), "wal", "archiver", "--pgdata",
                server.dataDirectory().toString(), "--dir", archive.toString(), "--verbose")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(archiver.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).startsWith("Archiving the WAL of " + server.dataDirectory());
            String setting = out.readLine();
            assertThat(setting).startsWith("archive_command = '").endsWith("'");
            // the line goes into postgresql.conf as printed; ALTER SYSTEM takes the value inside the quotes
            String value = setting.substring("archive_command = '".length(), setting.length() - 1).replace("''", "'");
            server.setArchiveCommand(value);

            server.execute("INSERT INTO notes VALUES (1, 'x')");
            String segment = server.switchWal();
            server.awaitArchived(segment);
            assertThat(archive.resolve("wal").resolve(segment)).exists();
            String pushed;
            do {
                pushed = out.readLine();
            } while (pushed != null && !pushed.contains(segment));
            assertThat(pushed).as("the archiver, not the fallback, archived " + segment).contains(segment + " archived in");
        } finally {
            archiver.destroy();
            assertThat(archiver.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }
}
