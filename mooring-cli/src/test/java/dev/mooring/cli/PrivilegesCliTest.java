package dev.mooring.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;

import static dev.mooring.cli.Jdbc.execute;
import static dev.mooring.cli.Jdbc.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application's role after a restore: privileges travel with the backup, roles do not (a missing one is named),
 * and {@code info}/{@code validate} run as a role that may not read the history table say so.
 */
class PrivilegesCliTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();
    private static final AtomicInteger ROLES = new AtomicInteger();

    @TempDir
    Path dir;
    Path migrations;
    Path dumps;
    String app;
    String gone;

    @BeforeEach
    void migrateAsTheOwner() throws Exception {
        migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("001_notes.sql"), "CREATE TABLE notes (id serial PRIMARY KEY, body text);\n");
        dumps = dir.resolve("dumps");
        int n = ROLES.incrementAndGet();
        app = "app_" + ProcessHandle.current().pid() + "_" + n;
        gone = "gone_" + ProcessHandle.current().pid() + "_" + n;
        execute(pg.dataSource(), "CREATE ROLE " + app + " LOGIN");
        CliRun migrate = CliRun.of("migrate", "--url", url(pg.databaseName(), "postgres"), "--locations", migrations.toString());
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        // As in the report: the application's role reaches its tables only through its own grants.
        execute(pg.dataSource(), "REVOKE ALL ON SCHEMA public FROM PUBLIC");
    }

    @AfterEach
    void dropRoles() throws Exception {
        for (String role : new String[] {app, gone}) {
            if ("1".equals(query(pg.dataSource(), "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'"))) {
                execute(pg.dataSource(), "DROP OWNED BY " + role);
                execute(pg.dataSource(), "DROP ROLE " + role);
            }
        }
    }

    String url(String database, String role) {
        return "postgresql://" + role + "@localhost:" + pg.server().port() + "/" + database;
    }

    void grantTheApplicationItsTables() throws Exception {
        execute(pg.dataSource(), "GRANT USAGE ON SCHEMA public TO " + app);
        execute(pg.dataSource(), "GRANT SELECT, INSERT, UPDATE, DELETE ON public.notes TO " + app);
        execute(pg.dataSource(), "GRANT USAGE ON SEQUENCE public.notes_id_seq TO " + app);
        execute(pg.dataSource(), "GRANT SELECT ON public.schema_version TO " + app);
        execute(pg.dataSource(), "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO " + app);
    }

    Path backup(String... options) throws Exception {
        String[] args = Stream.concat(Stream.of("backup", "--url", url(pg.databaseName(), "postgres"), "--dir",
                dumps.toString(), "--compress", "none"), Stream.of(options)).toArray(String[]::new);
        CliRun backup = CliRun.of(args);
        assertThat(backup.exitCode()).as(backup.err()).isZero();
        try (Stream<Path> files = Files.list(dumps)) {
            return files.filter(p -> p.toString().endsWith(".sql")).findFirst().orElseThrow();
        }
    }

    @Test
    void afterACleanRestoreTheApplicationRoleReadsWritesAndSeesItsMigrations() throws Exception {
        grantTheApplicationItsTables();
        Path file = backup();

        CliRun restore = CliRun.of("restore", file.toString(), "--url", url(pg.databaseName(), "postgres"), "--clean",
                "--yes", "--countdown", "0", "--locations", migrations.toString());

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        DataSource asApp = pg.server().url(pg.databaseName()).withCredentials(app, null).toDataSource();
        execute(asApp, "INSERT INTO public.notes (body) VALUES ('written by the application')");
        assertThat(query(asApp, "SELECT count(*) FROM public.notes")).isEqualTo("1");
        CliRun info = CliRun.of("info", "--url", url(pg.databaseName(), app), "--locations", migrations.toString());
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("applied 1, pending 0");
        assertThat(CliRun.of("validate", "--url", url(pg.databaseName(), app), "--locations", migrations.toString())
                .out()).contains("Valid");
        // The default privileges came back too, and public is the database owner's again, with no grant to PUBLIC.
        execute(pg.dataSource(), "CREATE TABLE public.added_after (x integer)");
        assertThat(query(asApp, "SELECT count(*) FROM public.added_after")).isEqualTo("0");
        assertThat(query(pg.dataSource(), "SELECT nspowner::regrole::text || ' ' || nspacl::text FROM pg_namespace"
                + " WHERE nspname = 'public'")).startsWith("pg_database_owner ").doesNotContain("{=U").doesNotContain(",=U");
    }

    @Test
    void aCleanRestoreAsASuperuserGivesTheRestoredObjectsToTheDatabasesOwner() throws Exception {
        // The application owns its database and its tables, so the backup holds no grant to it.
        execute(pg.dataSource(), "ALTER DATABASE " + pg.databaseName() + " OWNER TO " + app);
        execute(pg.dataSource(), "ALTER TABLE public.notes OWNER TO " + app);
        execute(pg.dataSource(), "ALTER TABLE public.schema_version OWNER TO " + app);
        try {
            restoreAndUseAsTheOwner(backup());
        } finally {
            execute(pg.dataSource(), "ALTER DATABASE " + pg.databaseName() + " OWNER TO postgres");
        }
    }

    void restoreAndUseAsTheOwner(Path file) throws Exception {

        CliRun restore = CliRun.of("restore", file.toString(), "--url", url(pg.databaseName(), "postgres"), "--clean",
                "--yes", "--countdown", "0", "--locations", migrations.toString());

        assertThat(restore.exitCode()).as(restore.err()).isZero();
        assertThat(query(pg.dataSource(), "SELECT string_agg(DISTINCT relowner::regrole::text, ',') FROM pg_class"
                + " WHERE relnamespace = 'public'::regnamespace")).isEqualTo(app);
        DataSource asApp = pg.server().url(pg.databaseName()).withCredentials(app, null).toDataSource();
        execute(asApp, "INSERT INTO public.notes (body) VALUES ('written by the application')");
        assertThat(query(asApp, "SELECT count(*) FROM public.notes")).isEqualTo("1");
        assertThat(CliRun.of("info", "--url", url(pg.databaseName(), app), "--locations", migrations.toString()).out())
                .contains("applied 1, pending 0");
        assertThat(query(pg.dataSource(), "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'mooring\\_restore\\_%'"))
                .isEqualTo("0");
    }

    @Test
    void aRoleThatMaySignalOtherSessionsButIsNoSuperuserIsRefusedBeforeAnythingRuns() throws Exception {
        Path file = backup();
        execute(pg.dataSource(), "INSERT INTO public.notes (body) VALUES ('written after the backup')");
        execute(pg.dataSource(), "GRANT pg_signal_backend TO " + app);

        CliRun restore = CliRun.of("restore", file.toString(), "--url", url(pg.databaseName(), app), "--clean", "--yes",
                "--countdown", "0");

        assertThat(restore.exitCode()).as(restore.err()).isEqualTo(ErrorCode.RESTORE_FAILED.exitCode());
        assertThat(restore.err()).contains("is a member of pg_signal_backend")
                .contains("Restore as a role without those rights").contains("Nothing was restored");
        assertThat(query(pg.dataSource(), "SELECT count(*) FROM public.notes")).isEqualTo("1");
    }

    @Test
    void aRoleTheTargetLacksIsNamedAndOnlyItsGrantsAreSkipped() throws Exception {
        grantTheApplicationItsTables();
        execute(pg.dataSource(), "CREATE ROLE " + gone);
        execute(pg.dataSource(), "GRANT SELECT ON public.notes TO " + gone);
        Path file = backup();
        execute(pg.dataSource(), "DROP OWNED BY " + gone);
        execute(pg.dataSource(), "DROP ROLE " + gone);
        String target = pg.databaseName() + "_target";
        pg.server().createDatabaseIfMissing(target);
        try {
            CliRun json = CliRun.of("restore", file.toString(), "--url", url(target, "postgres"), "--json");
            assertThat(json.exitCode()).as(json.err()).isZero();
            JsonNode doc = new ObjectMapper().readTree(json.out());
            assertThat(doc.path("missingRoles")).hasSize(1);
            assertThat(doc.path("missingRoles").get(0).asText()).isEqualTo(gone);

            CliRun text = CliRun.of("restore", file.toString(), "--url", url(target, "postgres"), "--clean", "--yes",
                    "--countdown", "0");
            assertThat(text.exitCode()).as(text.err()).isZero();
            assertThat(text.out()).contains("roles this server does not have").contains("may not set): " + gone);
            assertThat(query(pg.server().url(target).withCredentials(app, null).toDataSource(), "SELECT count(*) FROM public.notes"))
                    .isEqualTo("0");
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void aBackupWithNoPrivilegesLeavesTheGrantsOut() throws Exception {
        grantTheApplicationItsTables();
        Path file = backup("--no-privileges");
        assertThat(Files.readString(file)).doesNotContain("GRANT ").doesNotContain("DEFAULT PRIVILEGES");
        String target = pg.databaseName() + "_target";
        pg.server().createDatabaseIfMissing(target);
        try {
            CliRun restore = CliRun.of("restore", file.toString(), "--url", url(target, "postgres"));
            assertThat(restore.exitCode()).as(restore.err()).isZero();
            DataSource asApp = pg.server().url(target).withCredentials(app, null).toDataSource();
            assertThatThrownBy(() -> query(asApp, "SELECT count(*) FROM public.notes")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("permission denied");
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void infoAndValidateAsARoleWithoutUsageOnTheSchemaNameTheTableAndTheRole() {
        for (String command : new String[] {"info", "validate"}) {
            CliRun run = CliRun.of(command, "--url", url(pg.databaseName(), app), "--locations", migrations.toString());
            assertThat(run.exitCode()).as(command + ": " + run.out()).isEqualTo(ErrorCode.DATABASE.exitCode());
            assertThat(run.err()).contains("schema_version").contains(app).contains("USAGE").contains("schema public");
            assertThat(run.out()).doesNotContain("applied 0").doesNotContain("Valid");
        }
    }

    @Test
    void infoAsARoleThatMayNotReadTheHistoryTableNamesTheTableAndTheRole() throws Exception {
        execute(pg.dataSource(), "GRANT USAGE ON SCHEMA public TO " + app);

        CliRun info = CliRun.of("info", "--url", url(pg.databaseName(), app), "--locations", migrations.toString());

        assertThat(info.exitCode()).as(info.out()).isEqualTo(ErrorCode.DATABASE.exitCode());
        assertThat(info.err()).contains("schema_version").contains(app).contains("SELECT");
    }
}
