package dev.mooring.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code restore --pitr}'s bad inputs, each named with its fix, before anything is read or written. */
class PitrRestoreCliTest {
    @TempDir
    Path dir;

    @Test
    void pitrOptionsWithoutPitrAskForIt() {
        CliRun run = CliRun.of("restore", "--target", "latest", "--pgdata", dir.resolve("new").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("belong to a point-in-time restore: add --pitr");
    }

    @Test
    void aTargetIsRequiredAndOnlyOne() {
        CliRun none = CliRun.of("restore", "--pitr", "--pgdata", dir.resolve("new").toString(), "--dir", dir.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--pitr needs exactly one target");

        CliRun two = CliRun.of("restore", "--pitr", "--pgdata", dir.resolve("new").toString(), "--dir", dir.toString(),
                "--target", "latest", "--target-lsn", "0/3000148");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("--pitr needs exactly one target");
    }

    @Test
    void aMomentWithoutTimeZoneIsRefused() {
        CliRun run = CliRun.of("restore", "--pitr", "--pgdata", dir.resolve("new").toString(), "--dir", dir.toString(),
                "--target-time", "2026-12-01 10:15:00");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is not a moment with a time zone").contains("2026-12-01 10:15:00+00");
    }

    @Test
    void anArchiveWithoutBaseBackupsSaysHowToTakeOne() {
        CliRun run = CliRun.of("restore", "--pitr", "--pgdata", dir.resolve("new").toString(), "--dir", dir.toString(),
                "--target-time", "2026-12-01 10:15:00+00");
        assertThat(run.exitCode()).isEqualTo(17);
        assertThat(run.err()).contains("there is no base backup in " + dir.resolve("base")).contains("mooring basebackup");
        assertThat(dir.resolve("new")).doesNotExist();
    }
}
