package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every dialect must show. Subclasses give a fresh database per test and the few statements that differ.
 */
abstract class MigratorContract {
    @TempDir
    Path dir;

    abstract DataSource dataSource();

    /** The same database as a URL, for a child process. */
    abstract DatabaseUrl url();

    /** A statement that runs for a long time (the child process is killed during it). */
    abstract String slowStatement();

    /** A statement valid inside a transaction that the database rejects (a syntax error). */
    String brokenStatement() {
        return "CREATE TABLE broken (id integer primary key,, name text)";
    }

    /** A file body that only works outside a transaction. */
    abstract String nonTransactionalBody();

    /** A non-transactional body whose second statement fails after the first took effect. */
    abstract String failingNonTransactionalBody();

    Path migrations;

    @BeforeEach
    void createFolder() throws IOException {
        migrations = Files.createDirectories(dir.resolve("db"));
    }

    void write(String name, String text) throws IOException {
        Files.writeString(migrations.resolve(name), text, StandardCharsets.UTF_8);
    }

    void writeStandardThree() throws IOException {
        write("001_create_users.sql", """
                -- Description: Create the users table
                -- UP
                CREATE TABLE users (id integer primary key, name text NOT NULL);
                CREATE INDEX users_name_idx ON users (name);
                -- DOWN
                DROP TABLE users;
                """);
        write("002_add_email.sql", """
                -- UP
                ALTER TABLE users ADD COLUMN email text;
                INSERT INTO users (id, name, email) VALUES (1, 'ada', 'ada@example.org');
                -- DOWN
                DELETE FROM users WHERE id = 1;
                ALTER TABLE users DROP COLUMN email;
                """);
        write("003_create_events.sql", """
                CREATE TABLE events (id integer primary key, user_id integer REFERENCES users (id), title text);
                """);
        write("003_create_events.down.sql", "DROP TABLE events;\n");
    }

    Migrator migrator() {
        return Migrator.create(dataSource(), MigrationConfig.of(migrations.toString()));
    }

    Migrator migrator(MigrationConfig config) {
        return Migrator.create(dataSource(), config);
    }

    boolean tableExists(String table) throws SQLException {
        try (Connection c = dataSource().getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return rs.next();
        }
    }

    List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    void exec(String sql) throws SQLException {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Test
    void appliesPendingMigrationsInVersionOrderAndRecordsHistory() throws Exception {
        writeStandardThree();
        MigrateResult result = migrator().migrate();

        assertThat(result.fromVersion()).isNull();
        assertThat(result.toVersion()).isEqualTo("003");
        assertThat(result.applied()).extracting(AppliedMigration::version).containsExactly("001", "002", "003");
        assertThat(tableExists("events")).isTrue();
        assertThat(column("SELECT email FROM users")).containsExactly("ada@example.org");
        assertThat(column("SELECT description FROM schema_version ORDER BY installed_rank"))
                .containsExactly("Create the users table", "add email", "create events");
        assertThat(column("SELECT applied_by FROM schema_version")).allMatch(s -> s != null && !s.isBlank());
    }

    @Test
    void secondMigrateIsANoOp() throws Exception {
        writeStandardThree();
        migrator().migrate();
        MigrateResult again = migrator().migrate();
        assertThat(again.applied()).isEmpty();
        assertThat(again.fromVersion()).isEqualTo("003");
        assertThat(again.toVersion()).isEqualTo("003");
        assertThat(column("SELECT COUNT(*) FROM schema_version")).containsExactly("3");
    }

    @Test
    void migrateStopsAtTheTargetAndInfoShowsTheRestAsAboveTarget() throws Exception {
        writeStandardThree();
        MigrateResult result = migrator(MigrationConfig.of(migrations.toString()).withTarget("2")).migrate();
        assertThat(result.toVersion()).isEqualTo("002");
        assertThat(tableExists("events")).isFalse();

        InfoReport info = migrator(MigrationConfig.of(migrations.toString()).withTarget("2")).info();
        assertThat(info.migrations()).extracting(MigrationInfo::state)
                .containsExactly(MigrationState.APPLIED, MigrationState.APPLIED, MigrationState.ABOVE_TARGET);
        InfoReport plain = migrator().info();
        assertThat(plain.currentVersion()).isEqualTo("002");
        assertThat(plain.pending()).isEqualTo(1);
        assertThat(plain.migrations().get(0).appliedAt()).isNotNull();
        assertThat(plain.migrations().get(0).executionMs()).isNotNull();
    }

    @Test
    void failingMigrationRollsBackCompletelyAndTheNextMigrateAfterAFixContinues() throws Exception {
        write("001_base.sql", "CREATE TABLE base (id integer primary key);\n");
        write("002_half.sql", """
                -- Description: half applied
                CREATE TABLE half (id integer primary key);
                INSERT INTO half (id) VALUES (1);

                %s;
                """.formatted(brokenStatement()));

        assertThatThrownBy(() -> migrator().migrate())
                .isInstanceOfSatisfying(MigrationFailedException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_FAILED);
                    assertThat(e.script()).isEqualTo("002_half.sql");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.getMessage()).contains("002_half.sql line 5").contains("broken")
                            .contains("rolled back").contains("database is at version 001");
                });
        assertThat(tableExists("base")).isTrue();
        assertThat(tableExists("half")).isFalse();
        assertThat(column("SELECT version FROM schema_version")).containsExactly("001");

        write("002_half.sql", "CREATE TABLE half (id integer primary key);\n");
        assertThat(migrator().migrate().applied()).extracting(AppliedMigration::version).containsExactly("002");
    }

    @Test
    void revertRunsDownSectionsAndDownFilesNewestFirst() throws Exception {
        writeStandardThree();
        migrator().migrate();

        RevertResult one = migrator().revertSteps(1);
        assertThat(one.reverted()).extracting(AppliedMigration::version).containsExactly("003");
        assertThat(one.toVersion()).isEqualTo("002");
        assertThat(tableExists("events")).isFalse();

        RevertResult rest = migrator().revertTo("0");
        assertThat(rest.reverted()).extracting(AppliedMigration::version).containsExactly("002", "001");
        assertThat(tableExists("users")).isFalse();
        assertThat(column("SELECT COUNT(*) FROM schema_version")).containsExactly("0");

        assertThat(migrator().migrate().applied()).hasSize(3);
    }

    @Test
    void revertRefusesBeforeChangingAnythingWhenADownIsMissing() throws Exception {
        writeStandardThree();
        write("004_no_down.sql", "CREATE TABLE no_down (id integer);\n");
        migrator().migrate();

        assertThatThrownBy(() -> migrator().revertTo("001"))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("004_no_down.sql")
                .hasMessageContaining("nothing was changed")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.MISSING_DOWN);
        assertThat(tableExists("no_down")).isTrue();
        assertThat(tableExists("events")).isTrue();
        assertThat(column("SELECT COUNT(*) FROM schema_version")).containsExactly("4");
    }

    @Test
    void flywayNamesWorkAndRepeatablesAreReappliedWhenTheyChange() throws Exception {
        write("V1__create_items.sql", "CREATE TABLE items (id integer primary key, price integer);\n");
        write("V1_1__seed.sql", "INSERT INTO items VALUES (1, 10);\n");
        write("R__item_view.sql", "DROP VIEW IF EXISTS item_view;\nCREATE VIEW item_view AS SELECT id FROM items;\n");
        MigrateResult first = migrator().migrate();
        assertThat(first.applied()).extracting(AppliedMigration::script)
                .containsExactly("V1__create_items.sql", "V1_1__seed.sql", "R__item_view.sql");
        assertThat(first.toVersion()).isEqualTo("1.1");

        assertThat(migrator().migrate().applied()).isEmpty();

        write("R__item_view.sql", "DROP VIEW IF EXISTS item_view;\nCREATE VIEW item_view AS SELECT id, price FROM items;\n");
        assertThat(migrator().info().migrations()).extracting(MigrationInfo::state).contains(MigrationState.OUTDATED);
        assertThat(migrator().migrate().applied()).extracting(AppliedMigration::script).containsExactly("R__item_view.sql");
        assertThat(column("SELECT price FROM item_view")).containsExactly("10");
    }

    @Test
    void validateReportsEditedMissingAndOutOfOrderMigrationsAndMigrateRefuses() throws Exception {
        writeStandardThree();
        migrator().migrate();
        write("002_add_email.sql", "-- UP\nALTER TABLE users ADD COLUMN email_address text;\n-- DOWN\nSELECT 1;\n");
        Files.delete(migrations.resolve("003_create_events.sql"));
        Files.delete(migrations.resolve("003_create_events.down.sql"));
        write("V2.5__late.sql", "CREATE TABLE late (id integer);\n");

        ValidationReport report = migrator().validate();
        assertThat(report.valid()).isFalse();
        assertThat(report.issues()).extracting(ValidationIssue::kind).containsExactlyInAnyOrder(
                ValidationIssue.Kind.CHECKSUM_MISMATCH, ValidationIssue.Kind.MISSING_FILE, ValidationIssue.Kind.OUT_OF_ORDER);
        assertThat(report.issues()).extracting(ValidationIssue::message).anySatisfy(m -> assertThat(m)
                .contains("002").contains("002_add_email.sql").contains("changed after it was applied"));

        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(ValidationFailedException.class)
                .hasMessageContaining("V2.5__late.sql").hasMessageContaining("--out-of-order");
        assertThat(tableExists("late")).isFalse();
    }

    @Test
    void outOfOrderMigrationsAreAppliedWhenAllowed() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        write("003_c.sql", "CREATE TABLE c (id integer);\n");
        migrator().migrate();
        write("002_b.sql", "CREATE TABLE b (id integer);\n");
        MigrateResult result = migrator(MigrationConfig.of(migrations.toString()).withOutOfOrder(true)).migrate();
        assertThat(result.applied()).extracting(AppliedMigration::version).containsExactly("002");
        assertThat(result.toVersion()).isEqualTo("003");
        assertThat(migrator().validate().valid()).isTrue();
    }

    @Test
    void checksumsIgnoreLineEndingsAndTrailingWhiteSpace() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\nCREATE TABLE b (id integer);\n");
        migrator().migrate();
        write("001_a.sql", "CREATE TABLE a (id integer);   \r\nCREATE TABLE b (id integer);\t\r\n\r\n\r\n");
        assertThat(migrator().validate().valid()).isTrue();
        write("001_a.sql", "CREATE TABLE a (id integer);\nCREATE TABLE b (id bigint);\n");
        assertThat(migrator().validate().issues()).extracting(ValidationIssue::kind)
                .containsExactly(ValidationIssue.Kind.CHECKSUM_MISMATCH);
    }

    @Test
    void repairRealignsChecksumsAfterADeliberateEdit() throws Exception {
        writeStandardThree();
        migrator().migrate();
        write("001_create_users.sql", "-- Description: Users, reformatted\n-- UP\nCREATE TABLE users (id integer primary key, name text NOT NULL);\n"
                + "CREATE INDEX users_name_idx ON users (name); -- same index\n-- DOWN\nDROP TABLE users;\n");
        assertThat(migrator().validate().valid()).isFalse();

        RepairResult repair = migrator().repair();
        assertThat(repair.realigned()).containsExactly("001_create_users.sql");
        assertThat(migrator().validate().valid()).isTrue();
        assertThat(column("SELECT description FROM schema_version WHERE installed_rank = 1")).containsExactly("Users, reformatted");
    }

    @Test
    void nonTransactionalDirectiveRunsStatementsOutsideATransaction() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer, v text);\n");
        write("002_outside.sql", "-- mooring:no-transaction\n" + nonTransactionalBody());
        MigrateResult result = migrator().migrate();
        assertThat(result.applied()).hasSize(2);
        assertThat(column("SELECT success FROM schema_version WHERE version = '002'")).hasSize(1);
        assertThat(migrator().info().migrations()).extracting(MigrationInfo::state).containsOnly(MigrationState.APPLIED);
    }

    @Test
    void failedNonTransactionalMigrationIsRecordedAsFailedUntilRepaired() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer, v text);\n");
        write("002_outside.sql", "-- mooring:no-transaction\n" + failingNonTransactionalBody());
        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("recorded as failed");
        assertThat(migrator().info().migrations()).extracting(MigrationInfo::state)
                .containsExactly(MigrationState.APPLIED, MigrationState.FAILED);
        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(ValidationFailedException.class)
                .hasMessageContaining("repair");

        write("002_outside.sql", "-- mooring:no-transaction\n" + nonTransactionalBody());
        RepairResult repair = migrator().repair();
        assertThat(repair.removedFailed()).containsExactly("002_outside.sql");
        assertThat(migrator().migrate().applied()).extracting(AppliedMigration::version).containsExactly("002");
    }

    @Test
    void dryRunPrintsTheSqlAndChangesNothing() throws Exception {
        writeStandardThree();
        DryRunResult dry = migrator().dryRun();
        assertThat(dry.migrations()).extracting(PlannedMigration::version).containsExactly("001", "002", "003");
        assertThat(dry.toVersion()).isEqualTo("003");
        assertThat(dry.sql()).contains("CREATE TABLE users").contains("-- 002_add_email.sql").doesNotContain("DROP TABLE users");
        assertThat(tableExists("users")).isFalse();
        assertThat(tableExists("schema_version")).isFalse();
    }

    @Test
    void baselineAdoptsAnExistingDatabase() throws Exception {
        exec("CREATE TABLE users (id integer primary key, name text NOT NULL)");
        writeStandardThree();
        MigrationInfo baseline = migrator().baseline("001", "existing schema");
        assertThat(baseline.state()).isEqualTo(MigrationState.BASELINE);

        MigrateResult result = migrator().migrate();
        assertThat(result.applied()).extracting(AppliedMigration::version).containsExactly("002", "003");
        assertThat(migrator().info().migrations()).extracting(MigrationInfo::state)
                .contains(MigrationState.BASELINE, MigrationState.BELOW_BASELINE);
        assertThatThrownBy(() -> migrator().baseline("5", null)).isInstanceOf(MooringException.class)
                .hasMessageContaining("already has migration history");
    }

    @Test
    void sqlAndJavaCallbacksRunAroundMigrations() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        write("002_b.sql", "CREATE TABLE b (id integer);\n");
        write("beforeMigrate.sql", "CREATE TABLE IF NOT EXISTS audit (what text);\n");
        write("afterEachMigrate.sql", "INSERT INTO audit (what) VALUES ('each');\n");
        write("afterMigrate.sql", "INSERT INTO audit (what) VALUES ('after');\n");
        List<String> seen = new ArrayList<>();
        MigrationCallback java = new MigrationCallback() {
            @Override
            public void beforeEachMigrate(Connection connection, MigrationInfo migration) {
                seen.add("before " + migration.version());
            }

            @Override
            public void afterMigrate(Connection connection, MigrateResult result) {
                seen.add("done " + result.applied().size());
            }
        };
        migrator(MigrationConfig.of(migrations.toString()).withCallbacks(java)).migrate();
        assertThat(column("SELECT what FROM audit")).containsExactly("each", "each", "after");
        assertThat(seen).containsExactly("before 001", "before 002", "done 2");
        assertThat(migrator().info().migrations()).hasSize(2);
    }

    @Test
    void historyTableNameIsConfigurable() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        migrator(MigrationConfig.of(migrations.toString()).withTable("schema_migrations")).migrate();
        assertThat(tableExists("schema_migrations")).isTrue();
        assertThat(tableExists("schema_version")).isFalse();
        assertThatThrownBy(() -> MigrationConfig.of("db").withTable("bad name;"))
                .isInstanceOf(MooringException.class).hasMessageContaining("table 'bad name;'");
    }

    @Test
    void aTableWithAnotherLayoutIsNotTakenForHistory() throws Exception {
        exec("CREATE TABLE schema_version (id integer, something text)");
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(MooringException.class)
                .hasMessageContaining("not a Mooring history table").hasMessageContaining("--table");
    }

    @Test
    void concurrentMigratorsApplyEachMigrationExactlyOnce() throws Exception {
        for (int i = 1; i <= 12; i++) {
            write("%03d_t%d.sql".formatted(i, i), "CREATE TABLE t%d (id integer);\nINSERT INTO t%d VALUES (%d);\n".formatted(i, i, i));
        }
        int workers = 4;
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<MigrateResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    results.add(migrator().migrate());
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(results.stream().mapToInt(r -> r.applied().size()).sum()).isEqualTo(12);
        assertThat(column("SELECT COUNT(*) FROM schema_version")).containsExactly("12");
        assertThat(column("SELECT COUNT(DISTINCT version) FROM schema_version")).containsExactly("12");
    }

    @Test
    void badFileNamesAndDuplicateVersionsAreClearErrorsNamingTheFile() throws Exception {
        write("create_users.sql", "SELECT 1;\n");
        assertThatThrownBy(() -> migrator().info()).isInstanceOf(MooringException.class)
                .hasMessageContaining("create_users.sql").hasMessageContaining("<digits>_<description>.sql");
        Files.delete(migrations.resolve("create_users.sql"));

        write("001_a.sql", "SELECT 1;\n");
        write("1_b.sql", "SELECT 2;\n");
        assertThatThrownBy(() -> migrator().info()).isInstanceOf(MooringException.class)
                .hasMessageContaining("Duplicate version").hasMessageContaining("001_a.sql").hasMessageContaining("1_b.sql")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.INVALID_MIGRATION);
        Files.delete(migrations.resolve("1_b.sql"));

        Files.write(migrations.resolve("002_latin1.sql"), new byte[] {'S', 'E', 'L', (byte) 0xE9, ';'});
        assertThatThrownBy(() -> migrator().info()).isInstanceOf(MooringException.class)
                .hasMessageContaining("002_latin1.sql").hasMessageContaining("UTF-8");
    }

    @Test
    void aMissingLocationIsAClearError() {
        assertThatThrownBy(() -> Migrator.create(dataSource(), MigrationConfig.of(dir.resolve("nope").toString())).info())
                .isInstanceOf(MooringException.class).hasMessageContaining("is not a folder")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.CONFIGURATION);
    }

    @Test
    void aProcessKilledMidMigrationLeavesTheDatabaseAtThePreviousVersion() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        write("002_slow.sql", "CREATE TABLE half_done (id integer);\n" + slowStatement() + ";\n");
        Process child = MigrateChildProcess.start(url(), migrations);
        try {
            MigrateChildProcess.awaitLine(child, "RUNNING 002", Duration.ofSeconds(60));
            Thread.sleep(300);
        } finally {
            child.destroyForcibly().waitFor();
        }
        assertThat(tableExists("a")).isTrue();
        assertThat(tableExists("half_done")).isFalse();
        assertThat(migrator().info().currentVersion()).isEqualTo("001");

        write("002_slow.sql", "CREATE TABLE half_done (id integer);\n");
        assertThat(migrator().migrate().applied()).extracting(AppliedMigration::version).containsExactly("002");
    }

    @Test
    void migrationsAreFoundOnTheClassPathInsideAJar() throws Exception {
        Path jar = dir.resolve("app.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String folder : List.of("db/", "db/app/", "db/app/nested/", "db/other/")) {
                out.putNextEntry(new JarEntry(folder)); // as jar tools write them
                out.closeEntry();
            }
            for (String[] entry : new String[][] {
                    {"db/app/001_create_a.sql", "CREATE TABLE a (id integer);\n"},
                    {"db/app/nested/002_create_b.sql", "-- UP\nCREATE TABLE b (id integer);\n-- DOWN\nDROP TABLE b;\n"},
                    {"db/other/003_not_mine.sql", "CREATE TABLE c (id integer);\n"}}) {
                out.putNextEntry(new JarEntry(entry[0]));
                out.write(entry[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            MigrationConfig config = MigrationConfig.of("classpath:db/app").withClassLoader(loader);
            assertThat(migrator(config).migrate().applied()).extracting(AppliedMigration::script)
                    .containsExactly("001_create_a.sql", "002_create_b.sql");
            assertThat(migrator(config).revertSteps(1).reverted()).hasSize(1);
            assertThatThrownBy(() -> migrator(MigrationConfig.of("classpath:db/none").withClassLoader(loader)).info())
                    .isInstanceOf(MooringException.class).hasMessageContaining("not on the class path");
        }
        assertThat(tableExists("c")).isFalse();
    }

    @Test
    void lintReportsOnlyPendingMigrationsButKnowsTypesFromAppliedOnes() throws Exception {
        write("001_items.sql", "CREATE TABLE items (id integer primary key, code varchar(20), note text);\n");
        migrator().migrate();
        write("002_drop.sql", "-- a comment line\nALTER TABLE items DROP COLUMN note;\n");
        assertThat(migrator().lintPending()).extracting(LintFinding::rule, LintFinding::script, LintFinding::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("drop-column", "002_drop.sql", 2));
        assertThat(Migrator.lintFiles(MigrationConfig.of(migrations.toString()), "postgresql", "001")).hasSize(1);
        assertThat(Migrator.lintFiles(MigrationConfig.of(migrations.toString()), "postgresql", "002")).isEmpty();
    }
}
