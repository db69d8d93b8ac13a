package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MooringCliTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    Path folder;
    String sqlite;

    @BeforeEach
    void migrations() throws Exception {
        folder = Files.createDirectories(dir.resolve("db"));
        Files.writeString(folder.resolve("001_users.sql"), "-- UP\nCREATE TABLE users (id integer primary key);\n-- DOWN\nDROP TABLE users;\n");
        Files.writeString(folder.resolve("002_events.sql"), "-- UP\nCREATE TABLE events (id integer);\n-- DOWN\nDROP TABLE events;\n");
        sqlite = dir.resolve("client.db").toString();
    }

    @Test
    void migrateInfoValidateAndRevertOnSqlite() {
        CliRun migrate = CliRun.of("migrate", "--url", sqlite, "--locations", folder.toString());
        assertThat(migrate.exitCode()).isZero();
        assertThat(migrate.out()).contains("from (empty) to 002: 2 migration(s)").contains("applied 001");

        CliRun info = CliRun.of("info", "--url", sqlite, "--locations", folder.toString());
        assertThat(info.out()).contains("Current version: 002").contains("applied 2, pending 0").contains("users");

        assertThat(CliRun.of("validate", "--url", sqlite, "--locations", folder.toString()).out()).contains("Valid");

        CliRun revert = CliRun.of("revert", "--steps", "1", "--url", sqlite, "--locations", folder.toString());
        assertThat(revert.exitCode()).isZero();
        assertThat(revert.out()).contains("from 002 to 001").contains("reverted 002");

        CliRun dry = CliRun.of("migrate", "--dry-run", "--url", sqlite, "--locations", folder.toString());
        assertThat(dry.out()).contains("CREATE TABLE events").contains("Nothing was changed");
        assertThat(CliRun.of("info", "--url", sqlite, "--locations", folder.toString()).out()).contains("pending 1");
    }

    @Test
    void jsonOutputIsParseableAndNeverShowsThePassword() throws Exception {
        String url = "postgresql://postgres:Sup3rSecretPw@localhost:" + pg.server().port() + "/" + pg.databaseName();
        CliRun migrate = CliRun.of("migrate", "--json", "--url", url, "--locations", folder.toString());
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(migrate.out());
        assertThat(doc.get("toVersion").asText()).isEqualTo("002");
        assertThat(doc.get("applied")).hasSize(2);

        CliRun info = CliRun.of("info", "--url", url, "--password", "AnotherSecret9", "--locations", folder.toString());
        assertThat(info.out() + info.err()).doesNotContain("Sup3rSecretPw").doesNotContain("AnotherSecret9").contains("***");
        CliRun bad = CliRun.of("info", "--json", "--url", "postgresql://postgres:Sup3rSecretPw@localhost:1/nope",
                "--locations", folder.toString());
        assertThat(bad.exitCode()).isEqualTo(ErrorCode.CONNECTION.exitCode());
        assertThat(bad.out() + bad.err()).doesNotContain("Sup3rSecretPw");
        assertThat(new ObjectMapper().readTree(bad.out()).get("error").get("code").asText()).isEqualTo("CONNECTION");
    }

    @Test
    void eachKindOfErrorHasItsOwnExitCodeAndAClearMessage() throws Exception {
        assertThat(CliRun.of("migrate", "--url", "mysql://x/y").exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(CliRun.of("migrate", "--bogus").exitCode()).isEqualTo(2);
        CliRun noDir = CliRun.of("info", "--url", sqlite, "--locations", dir.resolve("missing").toString());
        assertThat(noDir.exitCode()).isEqualTo(ErrorCode.CONFIGURATION.exitCode());
        assertThat(noDir.err()).startsWith("error: ").contains("is not a folder");

        CliRun.of("migrate", "--url", sqlite, "--locations", folder.toString());
        Files.writeString(folder.resolve("001_users.sql"), "CREATE TABLE users (id bigint primary key);\n");
        CliRun invalid = CliRun.of("validate", "--url", sqlite, "--locations", folder.toString());
        assertThat(invalid.exitCode()).isEqualTo(ErrorCode.VALIDATION_FAILED.exitCode());
        assertThat(invalid.out()).contains("[checksum-mismatch]").contains("001_users.sql");

        CliRun noDown = CliRun.of("revert", "--target", "0", "--url", sqlite, "--locations", folder.toString());
        assertThat(noDown.exitCode()).isEqualTo(ErrorCode.MISSING_DOWN.exitCode());
        assertThat(noDown.err()).contains("001_users.sql").contains("no -- DOWN");
    }

    @Test
    void driftReportsHandMadeChangesWithItsOwnExitCode() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        CliRun.of("migrate", "--url", url, "--locations", folder.toString());
        CliRun clean = CliRun.of("drift", "--url", url, "--locations", folder.toString());
        assertThat(clean.exitCode()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("no drift");

        try (var c = pg.connect(); var s = c.createStatement()) {
            s.execute("ALTER TABLE users ADD COLUMN nickname text");
        }
        CliRun drifted = CliRun.of("drift", "--url", url, "--locations", folder.toString());
        assertThat(drifted.exitCode()).isEqualTo(ErrorCode.DRIFT_DETECTED.exitCode());
        assertThat(drifted.out()).contains("users.nickname").contains("unexpected");

        CliRun.of("migrate", "--url", sqlite, "--locations", folder.toString());
        assertThat(CliRun.of("drift", "--url", sqlite, "--locations", folder.toString()).exitCode()).isZero();
    }

    @Test
    void lintChecksPendingMigrationsOrFilesAndFailsOnErrors() throws Exception {
        CliRun.of("migrate", "--url", sqlite, "--locations", folder.toString());
        Files.writeString(folder.resolve("003_drop.sql"), "ALTER TABLE users DROP COLUMN id;\nDELETE FROM events;\n");
        CliRun pending = CliRun.of("lint", "--url", sqlite, "--locations", folder.toString());
        assertThat(pending.exitCode()).isEqualTo(ErrorCode.LINT_WARNINGS.exitCode());
        assertThat(pending.out()).contains("pending migrations").contains("003_drop.sql:1: error [drop-column]")
                .contains("003_drop.sql:2: warning [delete-without-where]");

        CliRun files = CliRun.of("lint", "--dialect", "sqlite", "--since", "002", "--locations", folder.toString(), "--json");
        JsonNode doc = new ObjectMapper().readTree(files.out());
        assertThat(doc.get("findings")).hasSize(2);

        Files.delete(folder.resolve("003_drop.sql"));
        CliRun clean = CliRun.of("lint", "--url", sqlite, "--locations", folder.toString());
        assertThat(clean.exitCode()).isZero();
        assertThat(clean.out()).contains("no findings");
    }

    @Test
    void newCreatesATimestampedFileWithATemplate() throws Exception {
        CliRun run = CliRun.of("new", "Add events index", "--dir", folder.toString());
        assertThat(run.exitCode()).isZero();
        try (Stream<Path> files = Files.list(folder)) {
            Path created = files.filter(p -> p.getFileName().toString().endsWith("_add_events_index.sql")).findFirst().orElseThrow();
            assertThat(created.getFileName().toString()).matches("\\d{14}_add_events_index\\.sql");
            assertThat(Files.readString(created)).contains("-- Description: Add events index").contains("-- UP").contains("-- DOWN");
        }
    }

    @Test
    void newPrintsTheCreatedFileAsJson() throws Exception {
        CliRun run = CliRun.of("new", "add", "events", "index", "--dir", folder.toString(), "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        Path file = Path.of(doc.get("file").asText());
        assertThat(file).exists().hasParent(folder);
        assertThat(file.getFileName().toString()).isEqualTo(doc.get("version").asText() + "_add_events_index.sql");
        assertThat(doc.get("version").asText()).matches("\\d{14}");
        assertThat(doc.get("description").asText()).isEqualTo("add events index");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"quickstart", "migrate", "info", "validate", "revert", "baseline", "repair", "new", "drift", "lint", "export-user", "backup", "restore", "verify", "prune", "sync", "sync status"}) {
            CliRun help = CliRun.of((command + " --help").split(" "));
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: mooring " + command);
        }
    }

    @Test
    void quickstartMigratesTheEmbeddedServerAndTheClientBacksUpAndIsIdempotent() throws Exception {
        Path data = dir.resolve("mooring-data");
        CliRun first = CliRun.of("quickstart", "--data-dir", data.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("== Server (PostgreSQL) ==").contains("== Client (SQLite) ==")
                .contains("applied 13 migration(s)").contains("applied 10 migration(s)").contains("pending 0");
        assertThat(data.resolve("client.db")).exists();
        assertThat(data.resolve("postgres").resolve("PG_VERSION")).exists();
        assertTwoDevicesSettledTheirConflicts(first.out());
        assertThat(data.resolve("phone.db")).exists();
        assertThat(data.resolve("laptop.db")).exists();
        assertSharingWalkedThrough(first.out());
        assertSharingLeftOnTheDevices(data, 1);

        CliRun second = CliRun.of("quickstart", "--data-dir", data.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("up to date at version 20260217090000").contains("up to date at version 20260217103000");
        assertThat(second.out()).containsPattern("Backup .*reminders_.*\\.sql\\.zst: \\d+ tables, \\d+ rows, verified by restoring");
        assertTwoDevicesSettledTheirConflicts(second.out());
        assertSharingWalkedThrough(second.out());
        assertSharingLeftOnTheDevices(data, 2);
        try (Stream<Path> dumps = Files.list(data.resolve("dumps"))) {
            assertThat(dumps.filter(p -> p.toString().endsWith(".sql.zst"))).hasSize(2);
        }
    }

    @Test
    void quickstartListsEachConflictOnceInTheWordsOfItsLegend() {
        CliRun run = CliRun.of("quickstart", "--data-dir", dir.resolve("mooring-data").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String out = run.out();
        String syncs = out.substring(out.indexOf("The syncs after the offline edits"), out.indexOf("All three ended"));
        String legend = syncs.lines().findFirst().orElseThrow();
        java.util.List<String> conflicts = syncs.lines().skip(1).filter(l -> l.startsWith("         "))
                .map(l -> l.strip().replaceAll(" {2,}", " | ")).toList();

        // the server records three conflicts, all of the laptop's changes; the laptop lists each once
        assertThat(conflicts).containsExactlyInAnyOrder("Dentist | lww-column | server",
                "Mum's birthday | lww-column | merged", "Gym class | update-wins | client");
        assertThat(syncs).containsPattern("2\\. laptop: pulled \\d+, pushed 3\\n(         .*\\n){3}    3\\.");
        for (String word : new String[] {"'client'", "'server'", "'merged'"}) {
            assertThat(legend).contains(word);
        }
        assertThat(legend).containsPattern("'merged' [^']*both");
    }

    /** The quickstart's device section: each offline conflict ended as its rule says, everywhere alike. */
    static void assertTwoDevicesSettledTheirConflicts(String out) {
        assertThat(out).contains("== Two devices, offline (phone ").contains("Final rows, the same on phone, laptop and server:")
                .containsPattern("Dentist +Dentist at 9:30 +2026-12-01 +no")
                .containsPattern("Mum's birthday +Mum's birthday +Bring flowers +2026-12-07 +no")
                .containsPattern("Gym class +Gym class +Bring a towel +2026-12-03 +no")
                .containsPattern("2\\. laptop: pulled \\d+, pushed 3\\n")
                .containsPattern("Dentist +lww-column +server")
                .containsPattern("Gym class +update-wins +client")
                .contains("All three ended as the rules say.");
    }

    /** The quickstart's sharing section: each step as printed once the quickstart checked it. */
    static void assertSharingWalkedThrough(String out) {
        assertThat(out).contains("== Sharing between two users (Alice: phone, laptop; Bob: ")
                .contains("  1. Alice's phone shares 'Family dinner' with Bob, view only, and syncs\n"
                        + "     the server holds the share, not accepted yet\n")
                .contains("  2. Bob's device syncs\n     it holds the invitation and Alice's display name (never her"
                        + " e-mail), not the event yet; its foreign keys hold\n")
                .contains("     the first sync sent the acceptance, the second brought the event\n")
                .contains("     rejected, and his device took the server's row back (title 'Family dinner'); his sync"
                        + " status listed the change until he discarded it:\n")
                .containsPattern("\\n +\\d+ +events +([0-9a-f-]{36}) +update +row \\1 of events is shared with you for"
                        + " viewing only; you cannot change it\\n")
                .contains("     Bob's copy of the share says edit\n")
                .contains("     applied: the server holds his notes\n")
                .contains("     both hold Bob's notes, and Bob's display name (never his e-mail)\n")
                .contains("     the event, the share and Alice's name have left Bob's device (his sync removed 3 rows);"
                        + " Alice keeps the event\n")
                .contains("All 8 steps went as the rules say.");
    }

    /**
     * What {@code runs} quickstart runs left in the device files, read with SQLite behind the quickstart's back: Bob
     * holds his own row and nothing of Alice's; Alice holds each run's event with Bob's notes and its share, tombstoned.
     */
    static void assertSharingLeftOnTheDevices(Path data, int runs) throws Exception {
        String alice = "00000000-0000-4000-8000-00000000d3e0";
        String bob = "00000000-0000-4000-8000-000000000b0b";
        javax.sql.DataSource bobDb = sqlite(data.resolve("bob.db"));
        assertThat(Jdbc.query(bobDb, "SELECT group_concat(id || ' ' || email || ' ' || display_name) FROM users"))
                .isEqualTo(bob + " bob@example.com Bob");
        for (String table : new String[] {"events", "groups", "event_groups", "shares"}) {
            assertThat(Jdbc.query(bobDb, "SELECT count(*) FROM " + table)).as(table).isEqualTo("0");
        }
        assertThat(Jdbc.query(bobDb, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
        for (String device : new String[] {"phone.db", "laptop.db"}) {
            javax.sql.DataSource db = sqlite(data.resolve(device));
            assertThat(Jdbc.query(db, "SELECT count(*) FROM events WHERE user_id = '" + alice + "' AND title = 'Family"
                    + " dinner' AND notes = 'Bob brings dessert' AND deleted_at IS NULL")).as(device).isEqualTo("" + runs);
            assertThat(Jdbc.query(db, "SELECT email IS NULL AND display_name = 'Bob' FROM users WHERE id = '" + bob + "'"))
                    .as(device).isEqualTo("1");
            assertThat(Jdbc.query(db, "SELECT count(*) FROM pragma_foreign_key_check")).as(device).isEqualTo("0");
        }
        javax.sql.DataSource phone = sqlite(data.resolve("phone.db"));
        assertThat(Jdbc.query(phone, "SELECT count(*) FROM shares WHERE user_id = '" + alice + "' AND shared_with_user_id"
                + " = '" + bob + "' AND permission = 'edit' AND accepted_at IS NOT NULL AND deleted_at IS NOT NULL"))
                .isEqualTo("" + runs);
        assertThat(Jdbc.query(phone, "SELECT count(*) FROM shares WHERE deleted_at IS NULL")).isEqualTo("0");
    }

    private static javax.sql.DataSource sqlite(Path file) {
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + file);
        return ds;
    }

    @Test
    void exportUserPrintsTheDocumentOrWritesAnOwnerOnlyFileThatItNeverOverwritesUnasked() throws Exception {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id TEXT, body TEXT)");
            s.execute("CREATE TABLE note_tags (note_id INTEGER REFERENCES notes (id), tag TEXT)");
            s.execute("INSERT INTO notes VALUES (1, 'u1', 'mine'), (2, 'u2', 'theirs')");
            s.execute("INSERT INTO note_tags VALUES (1, 'a'), (2, 'b')");
        }
        CliRun stdout = CliRun.of("export-user", "--url", sqlite, "--user-id", "u1");
        assertThat(stdout.exitCode()).as(stdout.err()).isZero();
        JsonNode doc = new ObjectMapper().readTree(stdout.out());
        assertThat(doc.get("userId").asText()).isEqualTo("u1");
        assertThat(doc.get("tables").get("notes").toString()).isEqualTo("[{\"id\":1,\"user_id\":\"u1\",\"body\":\"mine\"}]");
        assertThat(doc.get("tables").get("note_tags").toString()).isEqualTo("[{\"note_id\":1,\"tag\":\"a\"}]");
        assertThat(stdout.err()).contains("Exported 2 row(s) from 2 table(s).");

        Path file = dir.resolve("u1.json");
        CliRun toFile = CliRun.of("export-user", "--url", sqlite, "--user-id", "u1", "--out", file.toString());
        assertThat(toFile.exitCode()).as(toFile.err()).isZero();
        assertThat(toFile.out()).contains("Exported 2 row(s) of user u1 (owner column user_id)").contains("note_tags");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(new ObjectMapper().readTree(file.toFile()).get("tables")).isEqualTo(doc.get("tables"));

        CliRun again = CliRun.of("export-user", "--url", sqlite, "--user-id", "u2", "--out", file.toString());
        assertThat(again.exitCode()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED.exitCode());
        assertThat(again.err()).contains("exists; add --force");
        assertThat(Files.readString(file)).contains("mine").doesNotContain("theirs");

        CliRun forced = CliRun.of("export-user", "--url", sqlite, "--user-id", "u2", "--out", file.toString(), "--force", "--json");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(forced.out());
        assertThat(summary.get("totalRows").asLong()).isEqualTo(2);
        assertThat(summary.get("rowsByTable").get("notes").asLong()).isEqualTo(1);
        assertThat(Files.readString(file)).contains("theirs").doesNotContain("mine");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".mooring-export-"));
        }
    }

    @Test
    void exportUserIncludesTheUsersOwnRowOfTheTableTheOwnerColumnReferences() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id bigint PRIMARY KEY, name text)");
            s.execute("CREATE TABLE notes (id int PRIMARY KEY, user_id bigint REFERENCES users (id), body text)");
            s.execute("INSERT INTO users VALUES (42, 'alice'), (43, 'bob')");
            s.execute("INSERT INTO notes VALUES (1, 42, 'mine'), (2, 43, 'theirs')");
        }
        CliRun run = CliRun.of("export-user", "--url", url, "--user-id", "42");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode tables = new ObjectMapper().readTree(run.out()).get("tables");
        assertThat(tables.get("public.users").toString()).isEqualTo("[{\"id\":42,\"name\":\"alice\"}]");
        assertThat(tables.get("public.notes").toString()).isEqualTo("[{\"id\":1,\"user_id\":42,\"body\":\"mine\"}]");
        assertThat(run.err()).contains("Exported 2 row(s) from 2 table(s).");
    }

    @Test
    void exportUserWithAnOwnerColumnNoTableHasIsAUsageError() throws Exception {
        String url = "postgresql://postgres@localhost:" + pg.server().port() + "/" + pg.databaseName();
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE docs (id int PRIMARY KEY, owner_id uuid)");
        }
        CliRun run = CliRun.of("export-user", "--url", url, "--user-id", "x", "--owner-column", "user_id");
        assertThat(run.exitCode()).isEqualTo(ErrorCode.USAGE.exitCode());
        assertThat(run.err()).contains("No table has column 'user_id'").contains("owner_id");
        assertThat(run.out()).isEmpty();
    }
}
