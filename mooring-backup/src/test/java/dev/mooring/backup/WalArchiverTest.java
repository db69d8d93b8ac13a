package dev.mooring.backup;

import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.testing.ArchivingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL archiver on an embedded server whose archive_command is the one {@link WalArchiver#archiveCommand} makes:
 * the archiver pushes ahead, the command only waits for its marker, and without the archiver the command pushes the
 * file itself (the fallback writes a line to a log, so the test can tell which path archived each file).
 */
class WalArchiverTest {
    @TempDir
    Path dir;
    ArchivingPostgres server;
    WalArchiver archiver;
    final List<String> pushed = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    Path backups() {
        return dir.resolve("backups");
    }

    Path fallbackLog() {
        return dir.resolve("fallback.log");
    }

    BackupConfig config() {
        return BackupConfig.defaults().withDir(backups()).withEnvironment(System.getenv());
    }

    void startServer() {
        Path pgdata = dir.resolve("source");
        String push = "echo %f >> '" + fallbackLog() + "' && " + String.join(" ",
                PointInTimeRestoreTest.MOORING.stream().map(w -> "'" + w + "'").toList())
                + " wal push %p --dir '" + backups() + "'";
        server = ArchivingPostgres.start(pgdata, WalArchiver.archiveCommand(pgdata, Duration.ofSeconds(1), push));
        server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
    }

    void startArchiver() {
        archiver = WalArchiver.start(config(), server.dataDirectory(), 2, new WalArchiver.Listener() {
            @Override
            public void pushed(String name, boolean alreadyArchived, Duration took) {
                pushed.add(name);
            }

            @Override
            public void failed(String name, String error) {
                failures.add(name + ": " + error);
            }
        });
    }

    @AfterEach
    void stop() {
        if (archiver != null) {
            archiver.close();
        }
        if (server != null) {
            server.close();
        }
    }

    List<String> fallbackPushes() throws Exception {
        return Files.exists(fallbackLog()) ? Files.readAllLines(fallbackLog()) : List.of();
    }

    @Test
    void theArchiverPushesAheadAndTheArchiveCommandOnlyWaitsForItsMarker() throws Exception {
        startServer();
        startArchiver();
        List<String> segments = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            server.execute("INSERT INTO notes VALUES (" + i + ", 'row " + i + "')");
            segments.add(server.switchWal());
        }
        server.awaitArchived(segments.get(segments.size() - 1));

        assertThat(pushed).containsAll(segments);
        assertThat(fallbackPushes()).doesNotContainAnyElementsOf(segments);
        assertThat(failures).isEmpty();
        assertThat(server.query("SELECT failed_count FROM pg_stat_archiver")).isEqualTo("0");
        for (String segment : segments) {
            assertThat(backups().resolve("wal").resolve(segment)).exists();
            assertThat(server.dataDirectory().resolve("pg_wal/.mooring-archived/" + segment + ".ok")).exists();
        }

        // what the archiver stored restores: a base backup and everything after it
        BaseBackups.create(config()).take(server.url(), null);
        server.execute("INSERT INTO notes VALUES (5, 'after the base backup')");
        server.awaitArchived(server.switchWal());
        PitrResult restored = PointInTimeRestore.create(config()).restore(PitrOptions.of(dir.resolve("restored"),
                RecoveryTarget.latest(), PointInTimeRestoreTest.MOORING).withFallbackPgBin(EmbeddedPostgresServer.binaryDirectory()));
        assertThat(restored.databases().get("postgres")).containsEntry("public.notes", 5L);
    }

    @Test
    void withoutTheArchiverTheArchiveCommandPushesTheFileItself() throws Exception {
        startServer();
        server.execute("INSERT INTO notes VALUES (1, 'x')");
        String segment = server.switchWal();
        server.awaitArchived(segment);

        assertThat(fallbackPushes()).contains(segment);
        assertThat(backups().resolve("wal").resolve(segment)).exists();
        assertThat(server.query("SELECT failed_count FROM pg_stat_archiver")).isEqualTo("0");
    }

    @Test
    void aDirectoryThatIsNotADataDirectoryIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WalArchiver.start(config(), dir, 1, new WalArchiver.Listener() {
        })).hasMessageContaining("is not a PostgreSQL data directory").hasMessageContaining("--pgdata");
    }
}
