/**
 * The auto-configuration ({@code META-INF/spring/…AutoConfiguration.imports}) and the {@code mooring.*} properties.
 * The auto-configuration classes are public so that an application can exclude them by class; they are not an API
 * to call. The failure analyzer and the database-initializer detector are registered in
 * {@code META-INF/spring.factories}.
 */
package dev.mooring.spring.boot.autoconfigure;
