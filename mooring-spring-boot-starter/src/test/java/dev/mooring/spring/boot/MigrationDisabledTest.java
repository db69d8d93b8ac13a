package dev.mooring.spring.boot;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.Migrator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "mooring.migrate.enabled=false")
class MigrationDisabledTest {
    private static final DatabaseUrl DATABASE = TestDatabases.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.register(registry, DATABASE);
    }

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void disabledMigrationLeavesTheDatabaseUntouched() {
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog',"
                + " 'information_schema')", Long.class)).isZero();
        assertThat(context.getBeanNamesForType(Migrator.class)).isEmpty();
        assertThat(context.getBeanNamesForType(MooringMigrationInitializer.class)).isEmpty();
        assertThat(context.containsBean("mooringHealthContributor")).isFalse();
    }
}
