package dev.mooring.examples.notes;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/**
 * Without {@code spring.datasource.url}: a real PostgreSQL started from Maven Central's binaries, whose data lives in
 * {@code notes.data-dir} (default {@code mooring-data/notes}) and survives restarts. With a database of your own, this
 * is skipped and Spring Boot's DataSource is used.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedPostgresServer embeddedPostgres(@Value("${notes.data-dir:mooring-data/notes}") Path dataDir) {
        return EmbeddedPostgresServer.start(dataDir.resolve("postgres"));
    }

    @Bean
    HikariDataSource dataSource(EmbeddedPostgresServer postgres) {
        postgres.createDatabaseIfMissing("notes");
        DatabaseUrl url = postgres.url("notes");
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url.jdbcUrl());
        dataSource.setUsername(url.user());
        return dataSource;
    }
}
