/**
 * Mooring in a Spring Boot application: the hooks an application may implement or reference
 * ({@link dev.mooring.spring.boot.MooringMigrationStrategy}, {@link dev.mooring.spring.boot.MooringDataSource},
 * {@link dev.mooring.spring.boot.MooringMigrationInitializer}). The auto-configuration is in
 * {@code dev.mooring.spring.boot.autoconfigure}; the actuator health indicators and endpoint in
 * {@code dev.mooring.spring.boot.actuate}.
 */
package dev.mooring.spring.boot;
