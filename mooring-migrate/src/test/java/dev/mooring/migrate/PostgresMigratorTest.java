package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresMigratorTest extends MigratorContract {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @Override
    DataSource dataSource() {
        return pg.dataSource();
    }

    @Override
    DatabaseUrl url() {
        return pg.url();
    }

    @Override
    String slowStatement() {
        return "SELECT pg_sleep(120)";
    }

    @Override
    String nonTransactionalBody() {
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_v_idx ON a (v);\n";
    }

    @Override
    String failingNonTransactionalBody() {
        return "CREATE INDEX CONCURRENTLY IF NOT EXISTS a_v_idx ON a (v);\nCREATE INDEX CONCURRENTLY b_idx ON missing_table (v);\n";
    }

    @Test
    void createIndexConcurrentlyFailsInsideATransactionWithTheDatabaseMessage() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer, v text);\n");
        write("002_idx.sql", "CREATE INDEX CONCURRENTLY a_v_idx ON a (v);\n");
        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("002_idx.sql line 1").hasMessageContaining("transaction block");
    }

    @Test
    void historyTableMayLiveInItsOwnSchema() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        migrator(MigrationConfig.of(migrations.toString()).withTable("ops.migrations")).migrate();
        assertThat(column("SELECT version FROM ops.migrations")).containsExactly("001");
        assertThat(migrator(MigrationConfig.of(migrations.toString()).withTable("ops.migrations")).info().currentVersion())
                .isEqualTo("001");
    }

    @Test
    void infoAndValidateAsARoleThatMayNotReadTheHistorySayWhoAndWhatInsteadOfReportingNothingApplied()
            throws Exception {
        write("001_a.sql", "CREATE TABLE IF NOT EXISTS a (id integer);\n");
        migrator().migrate();
        migrator(MigrationConfig.of(migrations.toString()).withTable("ops.migrations")).migrate();
        String role = "reader_" + ProcessHandle.current().pid();
        exec("CREATE ROLE " + role + " LOGIN");
        try {
            exec("REVOKE ALL ON SCHEMA public FROM PUBLIC");
            DataSource asReader = pg.url().withCredentials(role, null).toDataSource();
            for (MigrationConfig config : java.util.List.of(MigrationConfig.of(migrations.toString()),
                    MigrationConfig.of(migrations.toString()).withTable("ops.migrations"))) {
                Migrator reader = Migrator.create(asReader, config);
                for (Runnable call : java.util.List.<Runnable>of(reader::info, reader::validate)) {
                    assertThatThrownBy(call::run).isInstanceOf(MooringException.class)
                            .hasMessageContaining(config.table().replace("ops.", "")).hasMessageContaining(role)
                            .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.DATABASE);
                }
            }
        } finally {
            exec("DROP OWNED BY " + role);
            exec("DROP ROLE " + role);
        }
    }

    @Test
    void aSecondMigratorWaitsForTheLockAndGivesUpWithAClearMessage() throws Exception {
        write("001_slow.sql", "SELECT pg_sleep(2);\n");
        CompletableFuture<MigrateResult> first = CompletableFuture.supplyAsync(() -> migrator().migrate());
        waitForQuery("pg_sleep");
        MigrationConfig impatient = MigrationConfig.of(migrations.toString()).withLockTimeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> migrator(impatient).migrate())
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("Another process is migrating")
                .hasMessageContaining("--lock-timeout")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
        assertThat(first.get().applied()).hasSize(1);
        assertThat(migrator().migrate().applied()).isEmpty();
    }

    void waitForQuery(String fragment) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (!column("SELECT pid FROM pg_stat_activity WHERE query LIKE '%" + fragment + "%' AND pid <> pg_backend_pid()").isEmpty()) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("query with " + fragment + " never started");
    }
}
