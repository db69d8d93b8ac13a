package dev.mooring.testing;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Gives a test a fresh, empty PostgreSQL database on the JVM's one embedded server ({@link SharedPostgres}).
 * Register it on a static field:
 * <pre>{@code
 * @RegisterExtension static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();
 * }</pre>
 * {@link #perMethod()} creates a new database before every test and drops it after; {@link #perClass()} one
 * per test class. Not for parallel use within one class.
 */
public final class PostgresDatabaseExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final boolean perMethod;
    private String database;

    private PostgresDatabaseExtension(boolean perMethod) {
        this.perMethod = perMethod;
    }

    /** A fresh database for every test method. */
    public static PostgresDatabaseExtension perMethod() {
        return new PostgresDatabaseExtension(true);
    }

    /** One fresh database for all the tests of a class. */
    public static PostgresDatabaseExtension perClass() {
        return new PostgresDatabaseExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!perMethod) {
            create();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!perMethod) {
            drop();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (perMethod) {
            create();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perMethod) {
            drop();
        }
    }

    private void create() {
        database = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        SharedPostgres.server().createDatabaseIfMissing(database);
    }

    private void drop() {
        if (database != null) {
            SharedPostgres.server().dropDatabase(database);
            database = null;
        }
    }

    /** The server the database lives on. */
    public EmbeddedPostgresServer server() {
        return SharedPostgres.server();
    }

    /** The current test database's name. */
    public String databaseName() {
        if (database == null) {
            throw new IllegalStateException("no database: is the extension registered with @RegisterExtension on a static field?");
        }
        return database;
    }

    /** The current test database's URL. */
    public DatabaseUrl url() {
        return server().url(databaseName());
    }

    /** A data source for the current test database. */
    public DataSource dataSource() {
        return server().dataSource(databaseName());
    }

    /** A new connection to the current test database; the caller closes it. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }
}
