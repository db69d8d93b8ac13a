package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.testing.ArchivingPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Point-in-time recovery end to end through the Java API: an embedded server archives its WAL through Mooring's
 * WAL archive (a small main on the test classpath, as archive_command), a base backup, rows at t1, t2 and t3, and a
 * restore to a moment between t2 and t3 that recovers with Mooring's restore_command.
 */
class PointInTimeRestoreTest {
    static final List<String> MOORING = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
            System.getProperty("java.class.path"), WalTool.class.getName());

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
        String archiveCommand = String.join(" ", MOORING.stream().map(w -> "'" + w + "'").toList())
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

    /** A base backup, then rows 1, 2 and 3, each in its own segment; returns the moment between 2 and 3 and the segment of row 1. */
    record History(Instant betweenT2AndT3, String segmentOfT1) {
    }

    History writeHistory() {
        BaseBackups.create(config()).take(server.url(), null);
        server.execute("INSERT INTO notes VALUES (1, 't1')");
        String segmentOfT1 = server.query("SELECT pg_walfile_name(pg_current_wal_lsn())");
        server.switchWal();
        server.execute("INSERT INTO notes VALUES (2, 't2')");
        server.switchWal();
        Instant between = Instant.parse(server.query("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
        server.execute("INSERT INTO notes VALUES (3, 't3')");
        server.execute("CREATE TABLE after_t2 (x int)");
        server.awaitArchived(server.switchWal());
        return new History(between, segmentOfT1);
    }

    PitrOptions options(Path pgdata, RecoveryTarget target) {
        return PitrOptions.of(pgdata, target, MOORING).withFallbackPgBin(EmbeddedPostgresServer.binaryDirectory());
    }

    @Test
    void aRestoreToAMomentBetweenT2AndT3HasExactlyTheRowsUpToT2() throws Exception {
        startServer();
        History history = writeHistory();

        PitrResult r = PointInTimeRestore.create(config()).restore(options(dir.resolve("restored"), RecoveryTarget.time(
                RecoveryTarget.Times.FORMAT.format(history.betweenT2AndT3()))));

        assertThat(r.databases().get("postgres")).containsEntry("public.notes", 2L).doesNotContainKey("public.after_t2");
        assertThat(r.recoveryEnd()).startsWith("recovery stopping before commit of transaction");
        assertThat(r.recoveredTo()).isBefore(history.betweenT2AndT3());
        assertThat(r.walFilesRestored()).isPositive();
        assertThat(r.running()).isFalse();
        assertThat(r.warnings()).isEmpty();
        assertThat(dir.resolve("restored/postmaster.pid")).doesNotExist();
        assertThat(Files.readString(dir.resolve("restored/postgresql.auto.conf"))).contains("restore_command = '")
                .contains("wal fetch %f %p --dir " + backups());
    }

    @Test
    void aRestoreToTheLatestReplaysEverythingArchived() {
        startServer();
        writeHistory();

        PitrResult r = PointInTimeRestore.create(config()).restore(options(dir.resolve("restored"), RecoveryTarget.latest()));

        assertThat(r.databases().get("postgres")).containsEntry("public.notes", 3L).containsEntry("public.after_t2", 0L);
    }

    @Test
    void aSegmentMissingBetweenTheBaseBackupAndTheTargetIsAnErrorNamingIt() throws Exception {
        startServer();
        History history = writeHistory();
        Files.delete(backups().resolve("wal/" + history.segmentOfT1()));

        RecoveryTarget target = RecoveryTarget.time(RecoveryTarget.Times.FORMAT.format(history.betweenT2AndT3()));
        assertThatThrownBy(() -> PointInTimeRestore.create(config()).restore(options(dir.resolve("restored"), target)))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESTORE_FAILED))
                .hasMessageContaining("is missing segment " + history.segmentOfT1());
        assertThatThrownBy(() -> PointInTimeRestore.create(config()).restore(options(dir.resolve("latest"), RecoveryTarget.latest())))
                .hasMessageContaining("is missing segment " + history.segmentOfT1())
                .hasMessageContaining("cannot replay past");
        assertThat(dir.resolve("latest")).doesNotExist();
    }

    @Test
    void aNonEmptyDataDirectoryAndATargetBeforeEveryBaseBackupAreRefusedClearly() throws Exception {
        startServer();
        Instant before = Instant.now().minusSeconds(3600);
        BaseBackups.create(config()).take(server.url(), null);
        Files.createDirectories(dir.resolve("full"));
        Files.writeString(dir.resolve("full/PG_VERSION"), "18");

        assertThatThrownBy(() -> PointInTimeRestore.create(config()).restore(options(dir.resolve("full"), RecoveryTarget.latest())))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE))
                .hasMessageContaining(dir.resolve("full") + " is not empty");
        assertThatThrownBy(() -> PointInTimeRestore.create(config()).restore(options(dir.resolve("new"),
                new RecoveryTarget.Time(before))))
                .hasMessageContaining("no base backup in").hasMessageContaining("finished before time");
    }
}
