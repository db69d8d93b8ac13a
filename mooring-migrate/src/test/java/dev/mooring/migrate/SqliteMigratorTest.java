package dev.mooring.migrate;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteMigratorTest extends MigratorContract {
    @RegisterExtension
    static SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    @Override
    DataSource dataSource() {
        return sqlite.dataSource();
    }

    @Override
    DatabaseUrl url() {
        return sqlite.url();
    }

    @Override
    String slowStatement() {
        return "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000000000) SELECT count(*) FROM n";
    }

    @Override
    String nonTransactionalBody() {
        return "PRAGMA journal_mode = WAL;\nVACUUM;\n";
    }

    @Override
    String failingNonTransactionalBody() {
        return "VACUUM;\nINSERT INTO missing_table VALUES (1);\n";
    }

    @Test
    void vacuumFailsInsideATransactionWithTheDatabaseMessage() throws Exception {
        write("001_vacuum.sql", "VACUUM;\n");
        assertThatThrownBy(() -> migrator().migrate()).isInstanceOf(MigrationFailedException.class)
                .hasMessageContaining("001_vacuum.sql line 1").hasMessageContaining("VACUUM");
    }

    @Test
    void triggerBodiesWithSemicolonsAreOneStatement() throws Exception {
        write("001_audit.sql", """
                CREATE TABLE notes (id integer primary key, body text, updated_at text);
                CREATE TRIGGER notes_touch AFTER UPDATE OF body ON notes
                BEGIN
                  UPDATE notes SET updated_at = 'now; later' WHERE id = NEW.id;
                  SELECT CASE WHEN NEW.body = '' THEN RAISE(ABORT, 'empty; body') END;
                END;
                INSERT INTO notes (id, body) VALUES (1, 'x');
                UPDATE notes SET body = 'y' WHERE id = 1;
                """);
        migrator().migrate();
        assertThat(column("SELECT updated_at FROM notes")).containsExactly("now; later");
    }

    @Test
    void aWriterHoldingTheDatabaseMakesTheMigratorGiveUpWithAClearMessage() throws Exception {
        write("001_a.sql", "CREATE TABLE a (id integer);\n");
        migrator().migrate();
        write("002_b.sql", "CREATE TABLE b (id integer);\n");
        try (Connection holder = dataSource().getConnection(); Statement s = holder.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            MigrationConfig impatient = MigrationConfig.of(migrations.toString()).withLockTimeout(Duration.ofMillis(300));
            assertThatThrownBy(() -> migrator(impatient).migrate())
                    .isInstanceOf(MooringException.class)
                    .hasMessageContaining("--lock-timeout")
                    .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.LOCK_TIMEOUT);
            s.execute("ROLLBACK");
        }
        assertThat(migrator().migrate().applied()).extracting(AppliedMigration::version).containsExactly("002");
    }
}
