package dev.mooring.cli;

import dev.mooring.testing.ArchivingPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mooring basebackup} in process, against an embedded server that archives with cp. */
class BaseBackupCliTest {
    @TempDir
    static Path shared;
    static ArchivingPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Path spool = Files.createDirectories(shared.resolve("spool"));
        server = ArchivingPostgres.start(shared.resolve("pgdata"), "cp %p '" + spool + "'/%f");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void basebackupPrintsWhereItIsAndWhatWalItNeeds() {
        CliRun run = CliRun.of("basebackup", "--url", server.url().jdbcUrl(), "--user", "postgres", "--dir", dir.toString(), "--jobs", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Base backup base-").contains("file:     " + dir.resolve("base"))
                .contains("timeline 1").contains("with 2 job(s)");
    }

    @Test
    void aDataDirectoryThatIsNotOneIsNamedWithTheFix() {
        CliRun run = CliRun.of("basebackup", "--url", server.url().jdbcUrl(), "--user", "postgres", "--dir", dir.toString(), "--pgdata",
                dir.toString());
        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.err()).contains(dir + " is not a PostgreSQL data directory").contains("--pgdata");
    }
}
