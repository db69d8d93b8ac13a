package dev.mooring.spring.boot;

import dev.mooring.migrate.Migrator;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.Ordered;

import java.util.Objects;

/**
 * Runs a {@link MooringMigrationStrategy} when the application context creates it. Spring Boot's database
 * initialization ordering treats it as a database initializer, so beans that depend on database initialization
 * (JPA's {@code EntityManagerFactory}, {@code JdbcTemplate}, beans annotated {@code @DependsOnDatabaseInitialization})
 * are created after it. Thread-safety: created and run once, by the context.
 */
public final class MooringMigrationInitializer implements InitializingBean, Ordered {
    private final Migrator migrator;
    private final MooringMigrationStrategy strategy;
    private int order;

    public MooringMigrationInitializer(Migrator migrator, MooringMigrationStrategy strategy) {
        this.migrator = Objects.requireNonNull(migrator, "migrator");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
    }

    @Override
    public void afterPropertiesSet() {
        strategy.migrate(migrator);
    }

    public Migrator migrator() {
        return migrator;
    }

    public void setOrder(int order) {
        this.order = order;
    }

    @Override
    public int getOrder() {
        return order;
    }
}
