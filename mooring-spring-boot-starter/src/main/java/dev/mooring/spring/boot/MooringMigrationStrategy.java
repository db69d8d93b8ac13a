package dev.mooring.spring.boot;

import dev.mooring.migrate.Migrator;

/**
 * How the application's database is migrated on start. Declare a bean of this type to replace the default, which
 * applies the {@code mooring.migrate.*} properties (dry run, baseline on migrate) and then migrates to the target:
 * <pre>{@code
 * @Bean
 * MooringMigrationStrategy validateOnly() {
 *     return migrator -> {
 *         if (!migrator.validate().valid()) throw new IllegalStateException("schema history does not match the files");
 *     };
 * }
 * }</pre>
 * It runs once, from {@link MooringMigrationInitializer}, before the beans that depend on database initialization
 * (JPA, {@code JdbcTemplate}, beans annotated {@code @DependsOnDatabaseInitialization}). An exception fails start-up.
 */
@FunctionalInterface
public interface MooringMigrationStrategy {

    /** Migrates (or checks) the database behind {@code migrator}. */
    void migrate(Migrator migrator);
}
