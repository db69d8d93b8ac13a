package dev.mooring.spring.boot;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationCallback;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncedTable;
import dev.mooring.spring.boot.autoconfigure.MooringActuatorAutoConfiguration;
import dev.mooring.spring.boot.autoconfigure.MooringMigrationAutoConfiguration;
import dev.mooring.spring.boot.autoconfigure.MooringSyncAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The auto-configuration's options, each on a fresh database, in contexts lighter than a whole application. */
class MooringAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    MooringMigrationAutoConfiguration.class, MooringSyncAutoConfiguration.class,
                    MooringActuatorAutoConfiguration.class));

    @Test
    void dryRunChangesNothingAndReportsThePendingMigrations() {
        DatabaseUrl database = TestDatabases.create();
        runner.withPropertyValues(datasource(database, "mooring.migrate.dry-run=true")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(tableCount(database)).isZero();
            Health health = migrationsHealth(context).health();
            assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(health.getDetails()).doesNotContainKey("currentVersion")
                    .containsEntry("pending", List.of("001_create_notes.sql", "002_add_notes_pinned.sql"));
        });
    }

    @Test
    void lazyInitializationStillMigratesOnStart() {
        DatabaseUrl database = TestDatabases.create();
        runner.withBean(LazyInitializationBeanFactoryPostProcessor.class).withPropertyValues(datasource(database))
                .run(context -> assertThat(tableCount(database)).isEqualTo(2));
    }

    @Test
    void migrationCallbackBeansRunAroundEachMigration() {
        List<String> seen = new ArrayList<>();
        runner.withPropertyValues(datasource(TestDatabases.create()))
                .withBean(MigrationCallback.class, () -> new MigrationCallback() {
                    @Override
                    public void afterEachMigrate(Connection connection, MigrationInfo migration) {
                        seen.add(migration.script());
                    }
                })
                .run(context -> assertThat(seen).containsExactly("001_create_notes.sql", "002_add_notes_pinned.sql"));
    }

    @Test
    void baselineOnMigrateAdoptsADatabaseThatHasTablesButNoHistory() {
        DatabaseUrl database = TestDatabases.create();
        jdbc(database).execute("CREATE TABLE notes (id uuid PRIMARY KEY, user_id text NOT NULL, body text NOT NULL,"
                + " deleted_at timestamptz)");
        runner.withPropertyValues(datasource(database, "mooring.migrate.baseline-on-migrate=true",
                "mooring.migrate.baseline-version=001")).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(jdbc(database).queryForList("SELECT type || ' ' || version FROM schema_version ORDER BY"
                    + " installed_rank", String.class)).containsExactly("BASELINE 001", "VERSIONED 002");
            assertThat(migrationsHealth(context).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void migrateUrlMigratesThatDatabaseInsteadOfTheApplications() {
        DatabaseUrl application = TestDatabases.create();
        DatabaseUrl owner = TestDatabases.create();
        runner.withPropertyValues(datasource(application, "mooring.migrate.url=" + owner.jdbcUrl(),
                "mooring.migrate.user=" + owner.user())).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Migrator.class).info().currentVersion()).isEqualTo("002");
            assertThat(tableCount(application)).isZero();
            assertThat(tableCount(owner)).isEqualTo(2);
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mooring.migrate.user=owner | mooring.migrate.user and mooring.migrate.password are the credentials for"
                    + " mooring.migrate.url",
            "mooring.sync.server.enabled=true | mooring.sync.server.enabled=true needs to know what syncs: set"
                    + " mooring.sync.config"})
    void aSettingThatCannotWorkIsRefusedNamingTheFix(String setting, String message) {
        runner.withPropertyValues(datasource(TestDatabases.create(), setting)).run(context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining(message));
    }

    @Test
    void aSyncConfigBeanTurnsSyncOnWithoutAFile() {
        DatabaseUrl database = TestDatabases.create();
        runner.withPropertyValues(datasource(database))
                .withBean(SyncConfig.class, () -> SyncConfig.of(SyncedTable.owned("notes")))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SyncService.class);
                    assertThat(jdbc(database).queryForObject("SELECT count(*) FROM pg_trigger t JOIN pg_class c"
                            + " ON c.oid = t.tgrelid WHERE c.relname = 'notes'", Long.class)).isPositive();
                    CompositeHealthContributor health = context.getBean("mooringHealthContributor",
                            CompositeHealthContributor.class);
                    assertThat(((HealthIndicator) health.getContributor("sync")).health().getStatus()).isEqualTo(Status.UP);
                });
    }

    @Test
    void withoutMooringServerMigrationStillWorksAndSyncStaysOff() {
        DatabaseUrl database = TestDatabases.create();
        runner.withClassLoader(new FilteredClassLoader("dev.mooring.server."))
                .withPropertyValues(datasource(database, "mooring.sync.config=classpath:sync.yaml")).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Migrator.class);
                    assertThat(context.getBeanNamesForType(SyncService.class)).isEmpty();
                    assertThat(migrationsHealth(context).health().getStatus()).isEqualTo(Status.UP);
                    CompositeHealthContributor health = context.getBean("mooringHealthContributor",
                            CompositeHealthContributor.class);
                    assertThat(health.getContributor("sync")).isNull();
                });
    }

    private static String[] datasource(DatabaseUrl url, String... more) {
        String[] all = new String[more.length + 2];
        all[0] = "spring.datasource.url=" + url.jdbcUrl();
        all[1] = "spring.datasource.username=" + url.user();
        System.arraycopy(more, 0, all, 2, more.length);
        return all;
    }

    private static HealthIndicator migrationsHealth(AssertableApplicationContext context) {
        return (HealthIndicator) context.getBean("mooringHealthContributor", CompositeHealthContributor.class)
                .getContributor("migrations");
    }

    private static JdbcTemplate jdbc(DatabaseUrl url) {
        return new JdbcTemplate(new DriverManagerDataSource(url.jdbcUrl(), url.user(), ""));
    }

    private static long tableCount(DatabaseUrl url) {
        return jdbc(url).queryForObject("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", Long.class);
    }
}
