package dev.mooring.spring.boot;

import org.springframework.beans.factory.annotation.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code DataSource} Mooring migrates (and installs sync with) when it is not the application's primary
 * one, for example a connection as the schema's owner while the application runs as a role without DDL rights:
 * <pre>{@code
 * @Bean @MooringDataSource
 * DataSource migrations() { ... }
 * }</pre>
 * {@code mooring.migrate.url} takes precedence over it.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface MooringDataSource {
}
