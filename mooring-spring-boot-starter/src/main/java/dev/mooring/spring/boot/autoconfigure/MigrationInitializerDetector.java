package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.spring.boot.MooringMigrationInitializer;
import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

import java.util.Set;

/**
 * Tells Spring Boot that {@link MooringMigrationInitializer} initializes the database, so that beans depending on
 * database initialization (JPA, {@code JdbcTemplate}, {@code @DependsOnDatabaseInitialization}) are created after it.
 * Registered in {@code META-INF/spring.factories}.
 */
public final class MigrationInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

    @Override
    protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
        return Set.of(MooringMigrationInitializer.class);
    }

    /** Before {@code spring.sql.init} scripts, like Flyway's migrations. */
    @Override
    public int getOrder() {
        return 1;
    }
}
