package dev.mooring.spring.boot;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.Migrator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = {TestApplication.class, MigrationStrategyTest.FirstVersionOnly.class},
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
class MigrationStrategyTest {
    private static final DatabaseUrl DATABASE = TestDatabases.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, DATABASE);
    }

    /** A strategy of the application's own: migrate to version 001 only, and remember what it did. */
    @TestConfiguration(proxyBeanMethods = false)
    static class FirstVersionOnly {
        final List<MigrateResult> runs = new ArrayList<>();

        @Bean
        MooringMigrationStrategy firstVersionOnly() {
            return migrator -> runs.add(Migrator.create(migrator.dataSource(), migrator.config().withTarget("001")).migrate());
        }
    }

    @Autowired
    FirstVersionOnly strategy;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aStrategyBeanReplacesTheDefaultMigration() {
        assertThat(strategy.runs).singleElement().satisfies(run -> assertThat(run.toVersion()).isEqualTo("001"));
        assertThat(jdbc.queryForList("SELECT version FROM schema_version", String.class)).containsExactly("001");
    }
}
