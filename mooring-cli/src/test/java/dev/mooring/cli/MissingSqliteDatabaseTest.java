package dev.mooring.cli;

import dev.mooring.core.ErrorCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Only {@code migrate} (and {@code restore}) create a SQLite file; every other command needs one that exists. */
class MissingSqliteDatabaseTest {
    @TempDir
    Path dir;
    Path folder;
    Path missing;

    @BeforeEach
    void migrations() throws Exception {
        folder = Files.createDirectories(dir.resolve("my migrations"));
        Files.writeString(folder.resolve("001_users.sql"), "-- UP\nCREATE TABLE users (id integer primary key);\n"
                + "-- DOWN\nDROP TABLE users;\n");
        missing = dir.resolve("nope.db");
    }

    @Test
    void commandsOtherThanMigrateOnAMissingSqliteFileFailNamingItAndCreateNothing() {
        String[][] commands = {{"migrate", "--dry-run"}, {"info"}, {"validate"}, {"drift"}, {"lint"},
                {"revert", "--steps", "1"}, {"baseline", "--version", "001"}, {"repair"},
                {"export-user", "--user-id", "u1"}};
        for (String[] command : commands) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(List.of("--url", missing.toString(), "--locations", folder.toString()));
            CliRun run = CliRun.of(args.toArray(String[]::new));

            assertThat(run.exitCode()).as(String.join(" ", command) + ": " + run.out() + run.err())
                    .isEqualTo(ErrorCode.CONFIGURATION.exitCode());
            assertThat(run.err()).as(command[0]).contains("no SQLite database at " + missing)
                    .contains("mooring migrate --url");
            assertThat(run.out()).as(command[0]).doesNotContain("Valid").doesNotContain("no drift");
            assertThat(missing).as(command[0] + " created the file").doesNotExist();
        }
        CliRun backup = CliRun.of("backup", "--url", missing.toString(), "--dir", dir.resolve("dumps").toString());
        assertThat(backup.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(backup.err()).contains("no SQLite database at " + missing);
        assertThat(missing).doesNotExist();
    }

    @Test
    void theMigrateCommandTheErrorPrintsRunsAsPrintedAndCreatesTheDatabase() {
        CliRun info = CliRun.of("info", "--url", missing.toString(), "--locations", folder.toString(), "--table",
                "history");
        Matcher printed = Pattern.compile("(mooring migrate --url .*)$", Pattern.MULTILINE).matcher(info.err());
        assertThat(printed.find()).as(info.err()).isTrue();

        CliRun migrate = CliRun.asPrinted(printed.group(1));

        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(missing).exists();
        CliRun after = CliRun.of("info", "--url", missing.toString(), "--locations", folder.toString(), "--table",
                "history");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(after.out()).contains("Current version: 001");
    }
}
