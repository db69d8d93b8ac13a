package dev.mooring.cli;

import dev.mooring.core.ErrorCode;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.mooring.cli.Jdbc.execute;
import static dev.mooring.cli.Jdbc.query;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups edited by someone with write access to the backup folder, with the manifest's SHA-256 and sizes recomputed:
 * {@code restore} and {@code verify} run only what Mooring's dump engine writes, and refuse anything else before
 * running any of it, naming the statement and its line.
 */
class TamperedBackupCliTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    /** Roles the payloads try to create; dropped after each test, should a payload ever run. */
    private static final List<String> ROLES = List.of("evil", "evil_b", "evil_c", "evil_c2", "evil_d", "evil_r");

    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    Path dumps;
    Path stolen;
    String url;

    @BeforeEach
    void backUp() throws Exception {
        Path migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("001_notes.sql"),
                "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL DEFAULT '');\n");
        url = urlOf(pg.databaseName());
        assertThat(CliRun.of("migrate", "--url", url, "--locations", migrations.toString()).exitCode()).isZero();
        execute(pg.dataSource(), "INSERT INTO notes (body) VALUES ('one'), ('two'), ('three')");
        dumps = dir.resolve("dumps");
        CliRun backup = CliRun.of("backup", "--url", url, "--dir", dumps.toString(), "--compress", "none");
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        stolen = dir.resolve("stolen.txt");
    }

    @AfterEach
    void dropRolesAPayloadMayHaveMade() throws Exception {
        for (String role : ROLES) {
            execute(pg.server().dataSource("postgres"), "DROP ROLE IF EXISTS " + role);
        }
    }

    Path backupFile() throws Exception {
        try (Stream<Path> files = Files.list(dumps)) {
            return files.filter(p -> p.toString().endsWith(".sql")).findFirst().orElseThrow();
        }
    }

    String reportedPayload() {
        return "COPY (SELECT 1) TO PROGRAM 'id > " + stolen + "'; CREATE ROLE evil SUPERUSER LOGIN;";
    }

    @Test
    void verifyRestoreRefusesTheReportedBackupBeforeRunningAnyOfIt() throws Exception {
        Path file = backupFile();
        TamperedBackup.edit(file, TamperedBackup.beforeEndMarker(reportedPayload()));
        long line = TamperedBackup.lineOf(file, "COPY (SELECT 1)");

        CliRun verify = CliRun.of("verify", file.toString(), "--restore");

        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isEqualTo(ErrorCode.BACKUP_CORRUPT.exitCode());
        assertThat(verify.out()).contains("line " + line + ": ").contains("COPY (SELECT 1) TO PROGRAM 'id > ")
                .contains("not a statement Mooring's dump engine writes");
        assertThat(stolen).doesNotExist();
        assertThat(roleExists("evil")).isFalse();
    }

    @Test
    void restoreRefusesTheReportedBackupAndLeavesTheTargetAsItWas() throws Exception {
        Path file = backupFile();
        TamperedBackup.edit(file, TamperedBackup.beforeEndMarker(reportedPayload()));
        long line = TamperedBackup.lineOf(file, "COPY (SELECT 1)");
        execute(pg.dataSource(), "DELETE FROM notes WHERE body = 'two'");

        CliRun restore = CliRun.of("restore", file.toString(), "--url", url, "--clean", "--yes", "--countdown", "0");

        assertThat(restore.exitCode()).as(restore.out() + restore.err()).isEqualTo(ErrorCode.BACKUP_CORRUPT.exitCode());
        assertThat(restore.err()).contains("line " + line + ": COPY (SELECT 1) TO PROGRAM")
                .contains("Nothing was run").contains("--trust-foreign-file");
        assertThat(stolen).doesNotExist();
        assertThat(roleExists("evil")).isFalse();
        assertThat(query(pg.dataSource(), "SELECT string_agg(body, ',' ORDER BY id) FROM notes")).isEqualTo("one,three");
    }

    @Test
    void verifyRestoreRunsTheBackupWithoutSuperuserRightsSoNoFunctionOfItCanRunAProgram() throws Exception {
        // Every statement added is one the engine writes; the CHECK calls the function while the rows are copied.
        Path file = backupFile();
        TamperedBackup.edit(file, s -> TamperedBackup.insertBefore(s, "COPY ", """
                CREATE OR REPLACE FUNCTION public.spy(integer) RETURNS boolean LANGUAGE plpgsql AS $f$
                BEGIN EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id > %s'''; RETURN true; END $f$;
                CREATE TABLE public.bait (n integer CHECK (public.spy(n)));
                COPY public.bait (n) FROM stdin;
                1
                \\.
                """.formatted(stolen)));

        CliRun verify = CliRun.of("verify", file.toString(), "--restore");

        assertThat(verify.exitCode()).as(verify.out()).isEqualTo(ErrorCode.BACKUP_CORRUPT.exitCode());
        assertThat(verify.out()).contains("permission denied");
        assertThat(stolen).doesNotExist();
    }

    /**
     * Statements the engine writes that make the restore itself call the backup's code, each with the refusal expected.
     * {@code payload()} runs a program and creates a superuser; {@code spy(n)} calls it, IMMUTABLE as an index or a
     * generated column needs.
     */
    static Stream<Arguments> codeTheRestoreRuns() {
        String table = "CREATE TABLE public.bait (n integer);\n";
        String rows = "COPY public.bait (n) FROM stdin;\n1\n2\n\\.\n";
        String checked = "CREATE TABLE public.bait (n integer CHECK (public.spy(n) > 0));\n";
        // Each row loaded into bait2 makes its CHECK queue a deferred trigger on bait, calling later() at the end.
        String queued = """
                CREATE OR REPLACE FUNCTION public.queue(integer) RETURNS boolean LANGUAGE plpgsql AS $f$
                BEGIN
                    EXECUTE 'CREATE CONSTRAINT TRIGGER later AFTER INSERT ON public.bait DEFERRABLE INITIALLY'
                        || ' DEFERRED FOR EACH ROW EXECUTE FUNCTION public.later()';
                    EXECUTE 'INSERT INTO public.bait VALUES (0)';
                    RETURN true;
                END $f$;
                """ + table + "CREATE TABLE public.bait2 (n integer CHECK (public.queue(n)));\n";
        return Stream.of(
                Arguments.of("a CHECK constraint on a table with rows", "permission denied", "", checked + rows, ""),
                Arguments.of("an expression index", "permission denied", "", table + rows,
                        "CREATE INDEX bait_spy ON public.bait USING btree (public.spy(n));\n"),
                Arguments.of("a CHECK whose function first resets the role", "cannot set parameter \"role\"",
                        "EXECUTE 'RESET ROLE';", checked + rows, ""),
                Arguments.of("a CHECK that resets the role itself", "cannot set parameter \"role\"", "",
                        "CREATE TABLE public.bait (n integer CHECK (pg_catalog.set_config('role', 'none', true) IS NOT NULL"
                                + " AND public.spy(n) > 0));\n" + rows, ""),
                Arguments.of("a generated column", "permission denied", "",
                        "CREATE TABLE public.bait (n integer, m integer GENERATED ALWAYS AS (public.spy(n)) STORED);\n"
                                + rows, ""),
                Arguments.of("a domain's CHECK", "permission denied", "",
                        "CREATE DOMAIN public.checked AS integer CHECK (public.spy(VALUE) > 0);\n"
                                + "CREATE TABLE public.bait (n public.checked);\n" + rows, ""),
                Arguments.of("a trigger the code defers to the end of the restore", "permission denied", "", """
                        CREATE OR REPLACE FUNCTION public.later() RETURNS trigger LANGUAGE plpgsql AS $f$
                        BEGIN PERFORM public.payload(); RETURN NULL; END $f$;
                        """ + queued + "COPY public.bait2 (n) FROM stdin;\n1\n\\.\n", ""),
                // Run at the end inside the role, it queues itself again, to run once the restore is the superuser's.
                Arguments.of("a deferred trigger that defers itself again", "queued a deferred trigger", "", """
                        CREATE OR REPLACE FUNCTION public.later() RETURNS trigger LANGUAGE plpgsql AS $f$
                        BEGIN
                            IF (SELECT count(*) FROM public.bait) < 4 THEN
                                SET CONSTRAINTS ALL DEFERRED;
                                INSERT INTO public.bait VALUES (0);
                            ELSE
                                PERFORM public.payload();
                            END IF;
                            RETURN NULL;
                        END $f$;
                        """ + queued + rows + "COPY public.bait2 (n) FROM stdin;\n1\n\\.\n", ""),
                // The first table's CHECK makes the function the restore runs statements through an ordinary one.
                Arguments.of("code that unconfines the restore's next statements", "changed the function",
                        "EXECUTE 'RESET ROLE';", """
                        CREATE OR REPLACE FUNCTION public.unconfine(integer) RETURNS boolean LANGUAGE plpgsql AS $f$
                        BEGIN
                            EXECUTE 'ALTER FUNCTION pg_temp.mooring_restore_step(pg_catalog.text) SECURITY INVOKER';
                            RETURN true;
                        END $f$;
                        CREATE TABLE public.bait (n integer CHECK (public.unconfine(n)));
                        CREATE TABLE public.bait2 (n integer CHECK (public.spy(n) > 0));
                        """ + rows + "COPY public.bait2 (n) FROM stdin;\n1\n\\.\n", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codeTheRestoreRuns")
    void aCleanRestoreAsASuperuserRunsNoneOfTheBackupsCodeWithItsRights(String name, String refusal,
            String firstInPayload, String beforeData, String afterData) throws Exception {
        Path file = backupFile();
        String functions = """
                CREATE OR REPLACE FUNCTION public.payload() RETURNS integer LANGUAGE plpgsql AS $f$
                BEGIN
                    %s
                    EXECUTE 'COPY (SELECT 1) TO PROGRAM ''id > %s''';
                    EXECUTE 'CREATE ROLE evil SUPERUSER LOGIN';
                    RETURN 1;
                END $f$;
                CREATE OR REPLACE FUNCTION public.spy(integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $f$
                BEGIN RETURN public.payload(); END $f$;
                """.formatted(firstInPayload, stolen);
        TamperedBackup.edit(file, s -> {
            String edited = TamperedBackup.insertBefore(s, "COPY ", functions + beforeData);
            return afterData.isEmpty() ? edited : TamperedBackup.insertBefore(edited, "-- constraint ", afterData);
        });
        CliRun verify = CliRun.of("verify", file.toString());
        assertThat(verify.exitCode()).as("only statements the engine writes: " + verify.out()).isZero();
        execute(pg.dataSource(), "DELETE FROM notes WHERE body = 'two'");

        CliRun restore = CliRun.of("restore", file.toString(), "--url", url, "--clean", "--yes", "--countdown", "0");

        assertThat(restore.exitCode()).as(restore.out() + restore.err()).isEqualTo(ErrorCode.RESTORE_FAILED.exitCode());
        assertThat(restore.err()).contains(refusal).contains("without superuser rights");
        assertThat(stolen).doesNotExist();
        assertThat(roleExists("evil")).isFalse();
        assertThat(query(pg.dataSource(), "SELECT string_agg(body, ',' ORDER BY id) FROM notes")).isEqualTo("one,three");
        assertThat(query(pg.dataSource(), "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'mooring\\_restore\\_%'"))
                .isEqualTo("0");
    }

    @Test
    void aBackupPgDumpWroteIsRestoredOnlyWithTrustForeignFile() throws Exception {
        Path file = backupFile();
        TamperedBackup.editManifest(file, doc -> doc.put("engine", "pg_dump"));
        String target = pg.databaseName() + "_target";
        pg.server().createDatabaseIfMissing(target);
        try {
            CliRun refused = CliRun.of("restore", file.toString(), "--url", urlOf(target));
            assertThat(refused.exitCode()).as(refused.err()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED.exitCode());
            assertThat(refused.err()).contains("written by pg_dump").contains("Nothing was run")
                    .contains("--trust-foreign-file");
            // not trusting a file is no verdict on it: nothing is recorded, so prune does not count it as failed
            Path manifest = Path.of(file + ".manifest.json");
            String before = Files.readString(manifest);
            CliRun verify = CliRun.of("verify", file.toString(), "--restore");
            assertThat(verify.exitCode()).as(verify.err()).isEqualTo(ErrorCode.VERIFY_NOT_RUN.exitCode());
            assertThat(verify.err()).contains("--trust-foreign-file");
            assertThat(Files.readString(manifest)).isEqualTo(before);

            CliRun trusted = CliRun.of("restore", file.toString(), "--url", urlOf(target), "--trust-foreign-file");
            assertThat(trusted.exitCode()).as(trusted.err()).isZero();
            assertThat(query(pg.server().dataSource(target), "SELECT count(*) FROM public.notes")).isEqualTo("3");
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    static Stream<Arguments> smuggled() {
        String program = "COPY (SELECT 1) TO PROGRAM 'id > " + shared.resolve("stolen.txt") + "';";
        return Stream.of(
                variant("a block comment before the statement", end("/* harmless */ " + program), "COPY (SELECT 1)"),
                variant("a line comment holding the semicolon", s -> TamperedBackup.insertBefore(s, "COPY ",
                        "COMMENT ON TABLE public.notes IS 'x' -- ;\n; CREATE ROLE evil_b SUPERUSER;"), "CREATE ROLE evil_b"),
                variant("nested block comments",
                        end("/* a /* b */ CREATE ROLE evil_c SUPERUSER; */ CREATE ROLE evil_c2 SUPERUSER;"), "CREATE ROLE evil_c2"),
                variant("a DO block in dollar quotes",
                        end("DO $x$ BEGIN EXECUTE 'CREATE ROLE evil_d SUPERUSER'; END $x$;"), "DO $x$ BEGIN"),
                variant("dollar quotes where the engine writes a literal",
                        end("COMMENT ON TABLE public.notes IS $c$ ';CREATE ROLE evil_d SUPERUSER;' $c$;"), "COMMENT ON TABLE"),
                variant("a statement hidden after a COPY data block",
                        s -> s.replaceFirst("\n\\\\\\.\n", "\n\\\\.\n" + java.util.regex.Matcher.quoteReplacement(program) + "\n"),
                        "COPY (SELECT 1)"),
                variant("a case variant", end("cOpY (select 1) tO pRoGrAm 'id > " + shared.resolve("stolen.txt") + "';"),
                        "cOpY (select 1)"),
                variant("COPY FROM PROGRAM into a dumped table",
                        end("COPY public.notes (id, body) FROM PROGRAM 'id > " + shared.resolve("stolen.txt") + "';"),
                        "COPY public.notes (id, body) FROM PROGRAM"),
                variant("a column default the restore would evaluate",
                        s -> TamperedBackup.insertBefore(s, "COPY ", "CREATE TABLE public.loot (n integer,"
                                + " secret text DEFAULT pg_catalog.pg_read_file('/etc/hostname'));\n"
                                + "COPY public.loot (n) FROM stdin;\n1\n\\.\n"), "COPY public.loot (n)"),
                // Nothing says a trigger comes too early until the data that would fire it follows.
                variant("a trigger created before the data", s -> TamperedBackup.insertBefore(s, "COPY ",
                        "CREATE TRIGGER spy BEFORE INSERT ON public.notes FOR EACH ROW EXECUTE FUNCTION public.spy();"),
                        "COPY public.notes (id, body) FROM stdin is not a statement Mooring's dump engine writes (it"
                                + " belongs in the table data, but the script is already in the definitions after the"
                                + " data, which began at line ", "COPY public.notes"),
                variant("a function in C", s -> TamperedBackup.insertBefore(s, "COPY ",
                        "CREATE OR REPLACE FUNCTION public.sh(cstring) RETURNS integer LANGUAGE c AS 'libc.so.6', 'system';"),
                        "CREATE OR REPLACE FUNCTION public.sh"),
                variant("a grant on an object outside the backup's schemas",
                        end("GRANT SELECT ON TABLE pg_catalog.pg_authid TO PUBLIC;"), "GRANT SELECT ON TABLE pg_catalog"),
                variant("a role membership grant", end("GRANT pg_execute_server_program TO PUBLIC;"), "GRANT pg_execute"),
                variant("ALTER SYSTEM", end("ALTER SYSTEM SET archive_command = 'id';"), "ALTER SYSTEM"),
                variant("SET SESSION AUTHORIZATION", end("SET SESSION AUTHORIZATION postgres;"), "SET SESSION AUTHORIZATION"),
                variant("LOAD", end("LOAD 'passwordcheck';"), "LOAD 'passwordcheck'"),
                variant("an event trigger", end("CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION public.f();"),
                        "CREATE EVENT TRIGGER"),
                variant("a SELECT of something other than setval", end("SELECT pg_catalog.pg_read_file('/etc/hostname');"),
                        "SELECT pg_catalog.pg_read_file"),
                variant("a changed header setting",
                        s -> s.replace("SET standard_conforming_strings = on;", "SET standard_conforming_strings = off;"),
                        "SET standard_conforming_strings = off"),
                variant("a statement after the end marker", s -> s + "CREATE ROLE evil_r SUPERUSER;\n", "CREATE ROLE evil_r"),
                variant("control characters in the statement", end("COPY (SELECT 1) TO PROGRAM 'printf \u001b[2J';"),
                        "COPY (SELECT 1) TO PROGRAM 'printf \\u001b[2J'", "printf"),
                variant("a psql meta-command", end("\\! id"), "\\!"));
    }

    static UnaryOperator<String> end(String sql) {
        return TamperedBackup.beforeEndMarker(sql);
    }

    static Arguments variant(String name, UnaryOperator<String> edit, String named) {
        return variant(name, edit, named, named);
    }

    /** A variant whose refusal names {@code named}, found in the file on the line holding {@code anchor}. */
    static Arguments variant(String name, UnaryOperator<String> edit, String named, String anchor) {
        return Arguments.of(name, edit, named, anchor);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggled")
    void smuggledStatementsAreRefusedBeforeAnythingRuns(String name, UnaryOperator<String> edit, String named,
            String anchor) throws Exception {
        Path file = backupFile();
        TamperedBackup.edit(file, edit);
        long line = TamperedBackup.lineOf(file, anchor);
        String target = pg.databaseName() + "_target";
        pg.server().createDatabaseIfMissing(target);
        try {
            CliRun verify = CliRun.of("verify", file.toString());
            assertThat(verify.exitCode()).as(verify.out()).isEqualTo(ErrorCode.BACKUP_CORRUPT.exitCode());
            assertThat(verify.out()).contains("line " + line + ": " + named);

            CliRun restore = CliRun.of("restore", file.toString(), "--url", urlOf(target));
            assertThat(restore.exitCode()).as(restore.err()).isEqualTo(ErrorCode.BACKUP_CORRUPT.exitCode());
            assertThat(restore.err()).contains("line " + line + ": " + named).contains("Nothing was run");
            assertThat(query(pg.server().dataSource(target),
                    "SELECT count(*) FROM pg_catalog.pg_class WHERE relnamespace = 'public'::regnamespace")).isEqualTo("0");
        } finally {
            pg.server().dropDatabase(target);
        }
        assertThat(shared.resolve("stolen.txt")).doesNotExist();
        for (String role : ROLES) {
            assertThat(roleExists(role)).as(role).isFalse();
        }
    }

    static String urlOf(String database) {
        return "postgresql://postgres@localhost:" + pg.server().port() + "/" + database;
    }

    boolean roleExists(String role) throws Exception {
        return "1".equals(query(pg.dataSource(), "SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = '" + role + "'"));
    }
}
