package dev.mooring.cli;

import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mooring wal push} and {@code wal fetch} as PostgreSQL runs them, in process. */
class WalCliTest {
    static final String SEGMENT = "00000001000000000000000A";

    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();

    @TempDir
    Path dir;

    Path segment(byte fill) throws Exception {
        byte[] bytes = new byte[1 << 20];
        Arrays.fill(bytes, 0, 4096, fill);
        return Files.write(Files.createDirectories(dir.resolve("pg_wal")).resolve(SEGMENT), bytes);
    }

    @Test
    void pushThenFetchRestoresTheSegmentAndRetriesAreFine() throws Exception {
        Path wal = segment((byte) 1);
        String archive = dir.resolve("backups").toString();

        CliRun push = CliRun.of("wal", "push", wal.toString(), "--dir", archive);
        assertThat(push.exitCode()).as(push.err()).isZero();
        assertThat(push.out()).startsWith("Archived " + SEGMENT).contains(dir.resolve("backups/wal/" + SEGMENT).toString());

        CliRun again = CliRun.of("wal", "push", wal.toString(), "--dir", archive, "--compress", "gzip");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains(SEGMENT + " was already archived with the same content");

        Path target = Files.createDirectories(dir.resolve("restored/pg_wal")).resolve("RECOVERYXLOG");
        CliRun fetch = CliRun.of("wal", "fetch", SEGMENT, target.toString(), "--dir", archive);
        assertThat(fetch.exitCode()).as(fetch.err()).isZero();
        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(wal));
    }

    @Test
    void aDifferentSegmentUnderAnArchivedNameIsAnErrorNamingIt() throws Exception {
        String archive = dir.resolve("backups").toString();
        assertThat(CliRun.of("wal", "push", segment((byte) 1).toString(), "--dir", archive).exitCode()).isZero();

        CliRun conflict = CliRun.of("wal", "push", segment((byte) 2).toString(), "--dir", archive);
        assertThat(conflict.exitCode()).isEqualTo(3);
        assertThat(conflict.err()).contains("error: WAL file " + SEGMENT + " is already archived").contains("Refusing to overwrite");
    }

    @Test
    void fetchingAMissingFileExitsOneWithOneLineAndWritesNothing() throws Exception {
        String archive = dir.resolve("backups").toString();
        assertThat(CliRun.of("wal", "push", segment((byte) 1).toString(), "--dir", archive).exitCode()).isZero();

        CliRun missing = CliRun.of("wal", "fetch", "00000002.history", dir.resolve("RECOVERYHISTORY").toString(), "--dir", archive);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).isEqualTo("00000002.history is not in the WAL archive "
                + dir.resolve("backups/wal") + " (normal at the end of recovery)");
        assertThat(dir.resolve("RECOVERYHISTORY")).doesNotExist();
    }

    @Test
    void aFetchThatFailsExitsAbove125SoPostgresStopsRecovery() throws Exception {
        String archive = dir.resolve("backups").toString();
        assertThat(CliRun.of("wal", "push", segment((byte) 1).toString(), "--dir", archive, "--compress", "none").exitCode()).isZero();
        Path stored = dir.resolve("backups/wal/" + SEGMENT);
        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length - 1] ^= 1;
        Files.write(stored, bytes);

        CliRun fetch = CliRun.of("wal", "fetch", SEGMENT, dir.resolve("RECOVERYXLOG").toString(), "--dir", archive);
        assertThat(fetch.exitCode()).isEqualTo(128);
        assertThat(fetch.err()).contains("error: ").contains(SEGMENT).contains("damaged");
    }

    @Test
    void badInputIsNamedWithTheFix() throws Exception {
        CliRun noDir = CliRun.of("wal", "push", segment((byte) 1).toString());
        assertThat(noDir.exitCode()).isEqualTo(2);
        assertThat(noDir.err()).contains("--dir");

        Path conf = Files.writeString(dir.resolve("postgresql.conf"), "");
        CliRun notWal = CliRun.of("wal", "push", conf.toString(), "--dir", dir.resolve("b").toString());
        assertThat(notWal.exitCode()).isEqualTo(2);
        assertThat(notWal.err()).contains("is not the name of a WAL file").contains("archive_command must pass %p");

        CliRun gone = CliRun.of("wal", "push", dir.resolve("pg_wal/000000010000000000000099").toString(), "--dir",
                dir.resolve("b").toString());
        assertThat(gone.exitCode()).isEqualTo(2);
        assertThat(gone.err()).contains("does not exist");
    }

    @Test
    void walCheckOnAServerThatDoesNotArchiveNamesTheSettingAndTheFix() {
        CliRun check = CliRun.of("wal", "check", "--url", pg.url().jdbcUrl(), "--user", pg.url().user(),
                "--dir", dir.resolve("backups").toString());

        assertThat(check.exitCode()).as(check.err()).isEqualTo(3);
        assertThat(check.out()).contains("archive_mode off")
                .contains("problem: archive_mode is off: set archive_mode = on in postgresql.conf and restart the server")
                .contains("Archiving does not reach " + dir.resolve("backups/wal") + ".");
    }

    @Test
    void theHelpOfPushAndFetchShowsThePlaceholdersPostgresSubstitutes() {
        CliRun push = CliRun.of("wal", "push", "--help");
        CliRun fetch = CliRun.of("wal", "fetch", "--help");

        assertThat(push.exitCode()).isZero();
        assertThat(push.out()).contains("Usage: mooring wal push").contains("archive_command = 'mooring wal push %p --dir");
        assertThat(fetch.out()).contains("restore_command = 'mooring wal fetch %f %p --dir");
        assertThat(push.err() + fetch.err()).doesNotContain("WARN");
    }

    @Test
    void theArchiverRefusesAFolderThatIsNotADataDirectory() {
        CliRun archiver = CliRun.of("wal", "archiver", "--pgdata", dir.toString(), "--dir", dir.resolve("b").toString());

        assertThat(archiver.exitCode()).isEqualTo(3);
        assertThat(archiver.err()).contains(dir + " is not a PostgreSQL data directory").contains("--pgdata");
    }
}
