package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.migrate.Migrator;
import dev.mooring.server.SyncHealth;
import dev.mooring.server.SyncService;
import dev.mooring.spring.boot.actuate.MigrationsHealthIndicator;
import dev.mooring.spring.boot.actuate.MooringEndpoint;
import dev.mooring.spring.boot.actuate.SyncHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * With Spring Boot Actuator on the class path: the {@code mooring} health contributor (components {@code migrations}
 * and, when sync is configured, {@code sync}; off with {@code management.health.mooring.enabled=false}) and the
 * {@code mooring} endpoint ({@code /actuator/mooring} once exposed). The variant with sync is declared first, in a
 * nested class, so the migrations-only beans below apply only when it did not.
 */
@AutoConfiguration(after = {MooringMigrationAutoConfiguration.class, MooringSyncAutoConfiguration.class})
@ConditionalOnClass({HealthContributor.class, ConditionalOnEnabledHealthIndicator.class})
public class MooringActuatorAutoConfiguration {
    static final String HEALTH = "mooringHealthContributor";

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SyncService.class)
    @ConditionalOnBean(SyncService.class)
    static class WithSync {
        @Bean(HEALTH)
        @ConditionalOnEnabledHealthIndicator("mooring")
        @ConditionalOnMissingBean(name = HEALTH)
        CompositeHealthContributor mooringHealthContributor(ObjectProvider<Migrator> migrator, DataSource dataSource) {
            return health(migrator, new SyncHealthIndicator(dataSource));
        }

        @Bean
        @ConditionalOnAvailableEndpoint
        @ConditionalOnMissingBean
        MooringEndpoint mooringEndpoint(ObjectProvider<Migrator> migrator, DataSource dataSource) {
            return new MooringEndpoint(migrator.getIfAvailable(), () -> SyncHealth.report(dataSource));
        }
    }

    @Bean(HEALTH)
    @ConditionalOnEnabledHealthIndicator("mooring")
    @ConditionalOnMissingBean(name = HEALTH)
    @ConditionalOnBean(Migrator.class)
    CompositeHealthContributor mooringHealthContributor(ObjectProvider<Migrator> migrator) {
        return health(migrator, null);
    }

    @Bean
    @ConditionalOnAvailableEndpoint
    @ConditionalOnMissingBean
    @ConditionalOnBean(Migrator.class)
    MooringEndpoint mooringEndpoint(Migrator migrator) {
        return new MooringEndpoint(migrator, null);
    }

    private static CompositeHealthContributor health(ObjectProvider<Migrator> migrator, HealthIndicator sync) {
        Map<String, HealthIndicator> parts = new LinkedHashMap<>();
        migrator.ifAvailable(m -> parts.put("migrations", new MigrationsHealthIndicator(m)));
        if (sync != null) {
            parts.put("sync", sync);
        }
        return CompositeHealthContributor.fromMap(parts);
    }
}
