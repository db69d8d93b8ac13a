package dev.mooring.cli.internal;

import dev.mooring.core.MooringException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A SQLite database that must exist already: connecting to a file that is not there throws the given error instead of
 * creating an empty database, as SQLite would. The check runs at each connection, not before, so a command reports
 * what it finds wrong first (a migration folder that is missing) in the order it always did. Thread-safe when the
 * wrapped data source is.
 */
final class ExistingSqliteFile implements DataSource {
    private final DataSource delegate;
    private final Path file;
    private final Supplier<MooringException> missing;

    ExistingSqliteFile(DataSource delegate, Path file, Supplier<MooringException> missing) {
        this.delegate = delegate;
        this.file = file;
        this.missing = missing;
    }

    @Override
    public Connection getConnection() throws SQLException {
        requireFile();
        return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        requireFile();
        return delegate.getConnection(username, password);
    }

    private void requireFile() {
        if (!Files.exists(file)) {
            throw missing.get();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
