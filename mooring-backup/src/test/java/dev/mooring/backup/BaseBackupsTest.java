package dev.mooring.backup;

import dev.mooring.backup.internal.pitr.BaseBackupUnpack;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.ArchivingPostgres;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Physical base backups of an embedded server that archives its WAL (to a spool folder, with cp). */
class BaseBackupsTest {
    @RegisterExtension
    static final PostgresDatabaseExtension notArchiving = PostgresDatabaseExtension.perClass();

    @TempDir
    static Path shared;
    static ArchivingPostgres server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Path spool = Files.createDirectories(shared.resolve("spool"));
        server = ArchivingPostgres.start(shared.resolve("pgdata"), "cp %p '" + spool + "'/%f");
        server.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        server.execute("INSERT INTO notes SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    BackupConfig config() {
        return BackupConfig.defaults().withDir(dir.resolve("backups")).withEnvironment(Map.of(BackupConfig.PASSPHRASE_VARIABLE, "pw"));
    }

    @Test
    void aBaseBackupHoldsTheDataDirectoryButNotWhatTheServerRecreatesAndItsManifestIsWrittenLast() throws Exception {
        BaseBackupManifest m = BaseBackups.create(config().withJobs(2)).take(server.url(), null);

        assertThat(m.timeline()).isEqualTo(1);
        assertThat(m.walSegmentSize()).isEqualTo(1 << 20);
        assertThat(m.majorVersion()).isGreaterThanOrEqualTo(15);
        assertThat(m.systemIdentifier()).matches("[0-9]+");
        assertThat(m.startWal()).startsWith("00000001").hasSize(24);
        assertThat(m.stopWal().compareTo(m.startWal())).isGreaterThanOrEqualTo(0);
        assertThat(m.stoppedAt()).isAfterOrEqualTo(m.startedAt());
        assertThat(m.dataDirectory()).isEqualTo(server.dataDirectory().toString());
        assertThat(m.files()).isPositive();
        assertThat(Files.list(dir.resolve("backups/base")).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder(m.file(), m.name() + ".json");
        assertThat(BaseBackups.create(config()).list()).containsExactly(m);

        Path pgdata = dir.resolve("restored");
        try (BackupStore store = Stores.open(BaseBackups.location(config().location()), Map.of())) {
            assertThat(BaseBackupUnpack.unpack(store, m, pgdata, () -> null)).isEqualTo(m.files() + 1);
        }
        assertThat(Files.readString(pgdata.resolve("backup_label"))).contains("START WAL LOCATION: " + m.startLsn())
                .contains(m.startWal());
        assertThat(pgdata.resolve("PG_VERSION")).hasSameTextualContentAs(server.dataDirectory().resolve("PG_VERSION"));
        assertThat(pgdata.resolve("global/pg_control")).isRegularFile();
        assertThat(pgdata.resolve("pg_wal/archive_status")).isDirectory();
        assertThat(list(pgdata.resolve("pg_wal"))).containsExactly("archive_status");
        assertThat(pgdata.resolve("postmaster.pid")).doesNotExist();
        assertThat(pgdata.resolve("postmaster.opts")).doesNotExist();
        assertThat(server.dataDirectory().resolve("postmaster.pid")).exists();
        // the WAL the backup needs was archived before pg_backup_stop returned
        assertThat(shared.resolve("spool/" + m.stopWal())).exists();
    }

    @Test
    void anEncryptedBaseBackupNeedsItsPassphraseToBeLaidDown() throws Exception {
        BaseBackupManifest m = BaseBackups.create(config().withEncrypt(true)).take(server.url(), server.dataDirectory());
        assertThat(m.encrypted()).isTrue();
        try (BackupStore store = Stores.open(BaseBackups.location(config().location()), Map.of())) {
            assertThatThrownBy(() -> BaseBackupUnpack.unpack(store, m, dir.resolve("nopass"), () -> null))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE));
            BaseBackupUnpack.unpack(store, m, dir.resolve("withpass"), "pw"::toCharArray);
        }
        assertThat(dir.resolve("withpass/global/pg_control")).isRegularFile();
    }

    @Test
    void aServerThatDoesNotArchiveWalIsRefusedWithTheFix() {
        assertThatThrownBy(() -> BaseBackups.create(config()).take(notArchiving.url(), null))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("archive_mode is off").hasMessageContaining("archive_command = 'mooring wal push %p");
        assertThat(dir.resolve("backups/base")).doesNotExist();
    }

    static List<String> list(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
