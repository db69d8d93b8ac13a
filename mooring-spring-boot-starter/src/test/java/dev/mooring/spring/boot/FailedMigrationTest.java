package dev.mooring.spring.boot;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationFailedException;
import dev.mooring.spring.boot.autoconfigure.MooringFailureAnalyzer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A migration that fails stops the application from starting, with Mooring's message. */
class FailedMigrationTest {

    @Test
    void aFailingMigrationFailsStartUpNamingTheFileAndLine() {
        DatabaseUrl database = TestDatabases.create();

        Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.datasource.url=" + database.jdbcUrl(), "spring.datasource.username=" + database.user(),
                        "mooring.migrate.locations=classpath:db/failing", "spring.main.banner-mode=off")
                .run());

        assertThat(failure).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
        MigrationFailedException cause = findCause(failure);
        assertThat(cause.script()).isEqualTo("002_index_missing_column.sql");
        assertThat(cause.line()).isEqualTo(2);
        assertThat(cause.getMessage()).contains("002_index_missing_column.sql", "title");

        FailureAnalysis analysis = new MooringFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).contains("MIGRATION_FAILED", cause.getMessage());
        assertThat(analysis.getAction()).contains("Fix the migration named above");

        JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(database.jdbcUrl(), database.user(), ""));
        assertThat(jdbc.queryForList("SELECT version FROM schema_version WHERE success", String.class)).containsExactly("001");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_indexes WHERE indexname = 'notes_title_idx'", Long.class))
                .isZero();
    }

    private static MigrationFailedException findCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MigrationFailedException m) {
                return m;
            }
        }
        throw new AssertionError("no MigrationFailedException in " + failure, failure);
    }
}
