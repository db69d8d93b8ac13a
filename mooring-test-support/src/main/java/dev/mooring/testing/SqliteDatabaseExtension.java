package dev.mooring.testing;

import dev.mooring.core.DatabaseUrl;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * Gives every test method a fresh SQLite database file in its own temporary folder, deleted afterwards.
 * <pre>{@code
 * @RegisterExtension static SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();
 * }</pre>
 */
public final class SqliteDatabaseExtension implements BeforeEachCallback, AfterEachCallback {
    private Path folder;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        folder = Files.createTempDirectory("mooring-sqlite-test");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            folder = null;
        }
    }

    /** The test's temporary folder (the database file lives in it). */
    public Path folder() {
        if (folder == null) {
            throw new IllegalStateException("no folder: is the extension registered with @RegisterExtension?");
        }
        return folder;
    }

    /** The database file (not created until first connected to). */
    public Path path() {
        return folder().resolve("test.db");
    }

    public DatabaseUrl url() {
        return DatabaseUrl.parse(path().toString());
    }

    public DataSource dataSource() {
        return url().toDataSource();
    }

    /** A new connection; the caller closes it. */
    public Connection connect() throws SQLException {
        return dataSource().getConnection();
    }
}
