package dev.mooring.backup.internal;

import dev.mooring.backup.ScratchServer;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Scratch databases on a PostgreSQL server given by URL: each is created and dropped through a connection to the
 * URL's own database, and reached with the URL's credentials. Thread-safe: every call opens its own connection.
 */
public final class UrlScratchServer implements ScratchServer {
    private static final Pattern JDBC = Pattern.compile("^(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?$");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private final DatabaseUrl server;
    /** The server's JDBC URL before and after its database name. */
    private final String prefix;
    private final String suffix;

    public UrlScratchServer(DatabaseUrl server) {
        this.server = server;
        Matcher parts = JDBC.matcher(server.jdbcUrl());
        if (!parts.matches()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The scratch server " + server.redacted() + " is not a"
                    + " PostgreSQL URL: use postgresql://user@host:port/postgres, a server where that user may create"
                    + " databases.");
        }
        this.prefix = parts.group(1);
        this.suffix = parts.group(3) == null ? "" : parts.group(3);
    }

    @Override
    public DataSource createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must be letters, digits and underscores: " + name);
        }
        execute("CREATE DATABASE \"" + name + "\"", "create the scratch database " + name,
                " Its user needs the CREATEDB privilege.");
        return DatabaseUrl.parse(prefix + name + suffix).withCredentials(server.user(), server.password()).toDataSource();
    }

    @Override
    public void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS \"" + name.replace("\"", "\"\"") + "\" WITH (FORCE)",
                "drop the scratch database " + name, "");
    }

    private void execute(String sql, String what, String hint) {
        Connection c;
        try {
            c = server.toDataSource().getConnection();
        } catch (SQLException | MooringException e) {
            throw new MooringException(ErrorCode.CONNECTION, "Could not " + what + ", the scratch server cannot be"
                    + " reached: " + e.getMessage() + " Check the scratch server's URL (--scratch-url) and that the"
                    + " server is running.", e);
        }
        try (c; Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not " + what + " on " + server.redacted() + ": "
                    + e.getMessage() + "." + hint, e);
        }
    }
}
