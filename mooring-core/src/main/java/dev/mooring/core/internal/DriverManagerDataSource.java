package dev.mooring.core.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A non-pooling {@link DataSource} over {@link DriverManager}, enough for a command-line run. Connection
 * failures become {@link MooringException}s with the password removed. Thread-safe.
 */
public final class DriverManagerDataSource implements DataSource {
    private final DatabaseUrl url;
    private volatile int loginTimeoutSeconds;

    public DriverManagerDataSource(DatabaseUrl url) {
        this.url = url;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(url.user(), url.password());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties props = new Properties();
        if (username != null) {
            props.setProperty("user", username);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new MooringException(ErrorCode.CONFIGURATION, "No JDBC driver on the class path for " + url.redacted()
                        + ". Add org.postgresql:postgresql or org.xerial:sqlite-jdbc.", e);
            }
            throw new MooringException(ErrorCode.CONNECTION,
                    "Could not connect to " + url.redacted() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // DriverManager logging is global; nothing per data source.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("no parent logger");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "DataSource[" + url.redacted() + "]";
    }
}
