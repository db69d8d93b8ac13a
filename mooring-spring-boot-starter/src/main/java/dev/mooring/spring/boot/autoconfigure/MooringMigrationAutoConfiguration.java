package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationCallback;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.spring.boot.MooringDataSource;
import dev.mooring.spring.boot.MooringMigrationInitializer;
import dev.mooring.spring.boot.MooringMigrationStrategy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import javax.sql.DataSource;

/**
 * Migrates the application's database on start ({@code mooring.migrate.*}) and offers the {@link Migrator} bean. Off
 * with {@code mooring.migrate.enabled=false}. Applies when there is a {@code DataSource} bean or
 * {@code mooring.migrate.url} is set.
 */
@AutoConfiguration(after = DataSourceAutoConfiguration.class)
@ConditionalOnClass(Migrator.class)
@ConditionalOnProperty(prefix = "mooring.migrate", name = "enabled", matchIfMissing = true)
@Conditional(MooringMigrationAutoConfiguration.DatabaseToMigrate.class)
@EnableConfigurationProperties(MooringProperties.class)
public class MooringMigrationAutoConfiguration {

    /** The migrator of the database to migrate: {@code mooring.migrate.url}, a {@link MooringDataSource}, or the primary one. */
    @Bean
    @ConditionalOnMissingBean
    public Migrator mooringMigrator(MooringProperties properties, ObjectProvider<DataSource> dataSource,
                                    @MooringDataSource ObjectProvider<DataSource> mooringDataSource,
                                    ObjectProvider<MigrationCallback> callbacks, ResourceLoader resourceLoader) {
        MooringProperties.Migrate p = properties.migrate();
        MigrationConfig config = MigrationConfig.defaults()
                .withLocations(p.locations().toArray(String[]::new))
                .withTable(p.table())
                .withTarget(StringUtils.hasText(p.target()) ? p.target() : null)
                .withOutOfOrder(p.outOfOrder())
                .withLockTimeout(p.lockTimeout())
                .withAppliedBy(StringUtils.hasText(p.appliedBy()) ? p.appliedBy() : null)
                .withCallbacks(callbacks.orderedStream().toArray(MigrationCallback[]::new))
                .withClassLoader(resourceLoader.getClassLoader());
        return Migrator.create(migrationDataSource(p, mooringDataSource, dataSource), config);
    }

    @Bean
    @ConditionalOnMissingBean
    public MooringMigrationInitializer mooringMigrationInitializer(Migrator migrator, MooringProperties properties,
                                                                   ObjectProvider<MooringMigrationStrategy> strategy) {
        return new MooringMigrationInitializer(migrator,
                strategy.getIfAvailable(() -> new PropertiesMigrationStrategy(properties.migrate())));
    }

    /** With {@code spring.main.lazy-initialization=true}, the migration still runs on start. */
    @Bean
    public static LazyInitializationExcludeFilter mooringMigrationEagerly() {
        return LazyInitializationExcludeFilter.forBeanTypes(MooringMigrationInitializer.class);
    }

    private static DataSource migrationDataSource(MooringProperties.Migrate p, ObjectProvider<DataSource> qualified,
                                                  ObjectProvider<DataSource> primary) {
        if (StringUtils.hasText(p.url())) {
            return DatabaseUrl.parse(p.url()).withCredentials(p.user(), p.password()).toDataSource();
        }
        if (StringUtils.hasText(p.user()) || StringUtils.hasText(p.password())) {
            throw new MooringException(ErrorCode.CONFIGURATION, "mooring.migrate.user and mooring.migrate.password are"
                    + " the credentials for mooring.migrate.url: set mooring.migrate.url too, or remove them to migrate"
                    + " the application's DataSource with its own credentials.");
        }
        DataSource own = qualified.getIfAvailable();
        return own != null ? own : primary.getObject();
    }

    /** A DataSource bean, or a URL of its own. */
    static final class DatabaseToMigrate extends AnyNestedCondition {
        DatabaseToMigrate() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(DataSource.class)
        static final class DataSourceBean {
        }

        @ConditionalOnProperty(prefix = "mooring.migrate", name = "url")
        static final class OwnUrl {
        }
    }
}
