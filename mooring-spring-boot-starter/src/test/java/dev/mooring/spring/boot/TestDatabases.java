package dev.mooring.spring.boot;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.testing.SharedPostgres;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fresh databases on the test JVM's one embedded PostgreSQL, handed to Spring as {@code spring.datasource.*}. They are
 * never dropped: a cached application context may still use them, and the server goes with the JVM.
 */
final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private TestDatabases() {
    }

    /** A new empty database. */
    static DatabaseUrl create() {
        String name = "starter_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        SharedPostgres.server().createDatabaseIfMissing(name);
        return SharedPostgres.server().url(name);
    }

    /** Points {@code spring.datasource.*} at {@code url}. */
    static void register(DynamicPropertyRegistry registry, DatabaseUrl url) {
        registry.add("spring.datasource.url", url::jdbcUrl);
        registry.add("spring.datasource.username", url::user);
    }
}
