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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention of base backups and WAL, and {@code wal check}, on an embedded server that archives through Mooring's
 * WAL archive (the test's {@link WalTool} as archive_command).
 */
class PitrRetentionTest {
    @TempDir
    Path dir;
    ArchivingPostgres server;

    Path backups() {
        return dir.resolve("backups");
    }

    BackupConfig config() {
        return BackupConfig.defaults().withDir(backups()).withEnvironment(System.getenv());
    }

    void startServer() {
        String archiveCommand = String.join(" ", PointInTimeRestoreTest.MOORING.stream().map(w -> "'" + w + "'").toList())
                + " wal push %p --dir '" + backups() + "'";
        server = ArchivingPostgres.start(dir.resolve("source"), archiveCommand);
        server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    List<String> wal() throws Exception {
        try (Stream<Path> files = Files.list(backups().resolve("wal"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void pruneKeepsTheNewestBaseBackupAndExactlyTheWalItNeedsAndTheRestoreStillWorks() throws Exception {
        startServer();
        BaseBackupManifest first = BaseBackups.create(config()).take(server.url(), null);
        server.execute("INSERT INTO notes VALUES (1, 'before the second base backup')");
        server.switchWal();
        BaseBackupManifest second = BaseBackups.create(config()).take(server.url(), null);
        server.execute("INSERT INTO notes VALUES (2, 'after it')");
        server.awaitArchived(server.switchWal());
        List<String> before = wal();
        assertThat(before).anyMatch(n -> n.compareTo(second.startWal()) < 0 && n.length() == 24);

        PitrPruneResult dry = PitrRetention.prune(config(), new RetentionPolicy(0, 0), true);
        assertThat(wal()).isEqualTo(before);
        assertThat(dry.deletedBase()).singleElement().satisfies(d -> assertThat(d.file().toString()).isEqualTo(first.file()));

        PitrPruneResult pruned = PitrRetention.prune(config(), new RetentionPolicy(0, 0), false);

        assertThat(pruned.keptBase()).singleElement().satisfies(d -> assertThat(d.file().toString()).isEqualTo(second.file()));
        assertThat(pruned.oldestWalKept()).isEqualTo(second.startWal());
        assertThat(pruned.walDeleted()).isEqualTo(dry.walDeleted()).isPositive();
        assertThat(BaseBackups.create(config()).list()).extracting(BaseBackupManifest::name).containsExactly(second.name());
        assertThat(wal()).allMatch(n -> n.endsWith(".history") || n.substring(0, 24).compareTo(second.startWal()) >= 0)
                .contains(second.startWal());
        assertThat(wal()).hasSize(pruned.walKept());

        PitrResult restored = PointInTimeRestore.create(config()).restore(PitrOptions.of(dir.resolve("restored"),
                RecoveryTarget.latest(), PointInTimeRestoreTest.MOORING).withFallbackPgBin(EmbeddedPostgresServer.binaryDirectory()));
        assertThat(restored.databases().get("postgres")).containsEntry("public.notes", 2L);
    }

    @Test
    void withinTheWindowEveryBaseBackupStaysAndWithoutABaseBackupNoWalIsDeleted() throws Exception {
        startServer();
        server.execute("INSERT INTO notes VALUES (1, 'x')");
        server.awaitArchived(server.switchWal());
        List<String> archived = wal();

        PitrPruneResult none = PitrRetention.prune(config(), new RetentionPolicy(0, 0), false);
        assertThat(none.walDeleted()).isZero();
        assertThat(none.warnings()).singleElement().asString().contains("no base backup");
        assertThat(wal()).isEqualTo(archived);

        BaseBackups.create(config()).take(server.url(), null);
        BaseBackups.create(config()).take(server.url(), null);
        PitrPruneResult window = PitrRetention.prune(config(), new RetentionPolicy(7, 0), false);
        assertThat(window.keptBase()).hasSize(2);
        assertThat(window.deletedBase()).isEmpty();
    }

    @Test
    void walCheckSaysArchivingWorksWhenTheSwitchedSegmentArrives() {
        startServer();
        try (WalArchive archive = WalArchive.open(config())) {
            WalCheckResult r = archive.check(server.url(), Duration.ofMinutes(1));

            assertThat(r.works()).as(r.problems().toString()).isTrue();
            assertThat(r.problems()).isEmpty();
            assertThat(backups().resolve("wal").resolve(r.segment())).exists();
            assertThat(r.archiveMode()).isEqualTo("on");
        }
    }

    @Test
    void walCheckNamesAFailingArchiveCommandAndAServerThatDoesNotArchive() {
        startServer();
        server.setArchiveCommand("false");
        try (WalArchive archive = WalArchive.open(config())) {
            WalCheckResult failing = archive.check(server.url(), Duration.ofMinutes(1));
            assertThat(failing.works()).isFalse();
            assertThat(failing.problems()).anySatisfy(p -> assertThat(p).contains("does not run mooring wal push"));
            assertThat(failing.problems()).anySatisfy(p -> assertThat(p)
                    .contains("archive_command failed for " + failing.segment()));

            server.setArchiveCommand("");
            WalCheckResult empty = archive.check(server.url(), Duration.ofMinutes(1));
            assertThat(empty.works()).isFalse();
            assertThat(empty.segment()).isNull();
            assertThat(empty.problems()).singleElement().asString().startsWith("archive_command is empty");
        }
    }
}
