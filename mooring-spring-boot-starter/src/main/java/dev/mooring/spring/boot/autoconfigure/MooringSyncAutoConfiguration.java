package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import dev.mooring.spring.boot.MooringMigrationInitializer;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.SyncService;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Sync with SQLite clients, when {@code mooring.sync.config} names a sync configuration or the application declares a
 * {@link SyncConfig} bean: installs sync on the database after the application's migrations
 * ({@code mooring.sync.install}), offers the {@link SyncService} bean, prunes old sync history
 * ({@code mooring.sync.prune-interval}), and with {@code mooring.sync.server.enabled=true} runs the HTTP sync server
 * ({@link SyncServer}) on its own port until the context closes. Needs {@code dev.mooring:mooring-server}.
 */
@AutoConfiguration(after = {DataSourceAutoConfiguration.class, MooringMigrationAutoConfiguration.class})
@ConditionalOnClass(SyncService.class)
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(MooringProperties.class)
public class MooringSyncAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "mooring.sync", name = "config")
    public SyncConfig mooringSyncConfig(MooringProperties properties, ResourceLoader resources) {
        return SyncConfigLocation.load(properties.sync().config(), resources);
    }

    /** With {@code spring.main.lazy-initialization=true}, the sync server still starts with the context. */
    @Bean
    public static LazyInitializationExcludeFilter mooringSyncServerEagerly() {
        return LazyInitializationExcludeFilter.forBeanTypes(SyncServer.class);
    }

    /** The sync server, started here: its port is open once the context has this bean. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "mooring.sync.server", name = "enabled", havingValue = "true")
    public SyncServer mooringSyncServer(DataSource dataSource, ObjectProvider<SyncConfig> syncConfig,
                                        MooringProperties properties,
                                        ObjectProvider<MooringMigrationInitializer> migrations,
                                        ObjectProvider<Migrator> migrator,
                                        ObjectProvider<MeterRegistry> meterRegistry) {
        SyncConfig config = syncConfig.getIfAvailable();
        if (config == null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "mooring.sync.server.enabled=true needs to know what"
                    + " syncs: set mooring.sync.config to a sync.yaml (classpath:sync.yaml, or a file), or declare a"
                    + " SyncConfig bean.");
        }
        installed(dataSource, config, properties, migrations, migrator);
        MooringProperties.Server p = properties.sync().server();
        ServerOptions options = ServerOptions.defaults().withHost(p.host()).withPort(p.port())
                .withMaxRequestBytes(p.maxRequestSize().toBytes())
                .withMinimumClientVersion(p.minClientVersion())
                .withPackagesDir(p.packagesDir())
                .withServerSchemaVersion(appliedVersion(dataSource, migrator, properties))
                .withAlerts(config.alerts());
        if (p.adminPort() != null) {
            options = options.withAdminPort(p.adminPort()).withAdminHost(p.adminHost());
        }
        // the application's registry when it has one (Actuator's): the server's metrics join the app's own
        return SyncServer.start(dataSource, config, options, meterRegistry.getIfAvailable());
    }

    /** The server's own service when the sync server runs (one hybrid clock per process), otherwise a new one. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SyncConfig.class)
    public SyncService mooringSyncService(DataSource dataSource, SyncConfig config, MooringProperties properties,
                                          ObjectProvider<SyncServer> server,
                                          ObjectProvider<MooringMigrationInitializer> migrations,
                                          ObjectProvider<Migrator> migrator) {
        SyncServer running = server.getIfAvailable();
        if (running != null) {
            return running.sync();
        }
        installed(dataSource, config, properties, migrations, migrator);
        return SyncService.create(dataSource, config);
    }

    @Bean
    @ConditionalOnBean(SyncConfig.class)
    SyncPruning mooringSyncPruning(DataSource dataSource, SyncConfig config, MooringProperties properties) {
        return new SyncPruning(dataSource, config, properties.sync().pruneInterval());
    }

    /**
     * Installs sync (a no-op when current) after the application's migrations, which create the synced tables. Installs
     * through the migrations' database when it is another one (a role that may create schemas and triggers).
     */
    private static void installed(DataSource dataSource, SyncConfig config, MooringProperties properties,
                                  ObjectProvider<MooringMigrationInitializer> migrations, ObjectProvider<Migrator> migrator) {
        migrations.ifAvailable(initializer -> { }); // created means migrated
        if (properties.sync().install()) {
            Migrator m = migrator.getIfAvailable();
            SyncSchema.install(m != null ? m.dataSource() : dataSource, config);
        }
    }

    /** The application's schema version, which the server reports in handshakes; null before any migration. */
    private static String appliedVersion(DataSource dataSource, ObjectProvider<Migrator> migrator,
                                         MooringProperties properties) {
        Migrator m = migrator.getIfAvailable();
        String table = m != null ? m.config().table() : properties.migrate().table();
        try (Connection c = (m != null ? m.dataSource() : dataSource).getConnection()) {
            return Migrator.appliedVersion(c, table).orElse(null);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not read the application's schema version: "
                    + e.getMessage(), e);
        }
    }
}
