package dev.mooring.testing;

import dev.mooring.core.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * An embedded PostgreSQL server of its own that archives its WAL ({@code wal_level = replica},
 * {@code archive_mode = on}) with a given {@code archive_command}, in a data directory the test names, with 1 MB WAL
 * segments so that tests archive little. For point-in-time recovery tests. Close it to stop the server.
 */
public final class ArchivingPostgres implements AutoCloseable {
    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;

    private ArchivingPostgres(EmbeddedPostgres postgres, Path dataDirectory) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
    }

    /** Starts a server in {@code dataDirectory} (created, emptied) archiving with {@code archiveCommand}. */
    public static ArchivingPostgres start(Path dataDirectory, String archiveCommand) {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(true)
                    .setLocaleConfig("wal-segsize", "1")
                    .setServerConfig("wal_level", "replica")
                    .setServerConfig("archive_mode", "on")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("max_connections", "50")
                    .start();
            ArchivingPostgres server = new ArchivingPostgres(postgres, dataDirectory.toAbsolutePath());
            // zonky passes settings to pg_ctl -o, which a shell splits: a command with spaces goes in through SQL
            server.setArchiveCommand(archiveCommand);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code archive_command} (ALTER SYSTEM) and reloads the configuration. */
    public void setArchiveCommand(String archiveCommand) {
        execute("ALTER SYSTEM SET archive_command = '" + archiveCommand.replace("'", "''") + "'");
        execute("SELECT pg_reload_conf()");
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The URL of the {@code postgres} database, as the superuser. */
    public DatabaseUrl url() {
        return DatabaseUrl.parse(postgres.getJdbcUrl("postgres", "postgres"));
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /** Runs {@code sql} in the {@code postgres} database. */
    public void execute(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Ends the current WAL segment, so it is archived, and returns its name. */
    public String switchWal() {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_walfile_name(pg_switch_wal())")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A single value of {@code sql}, as text. */
    public String query(String sql) {
        try (Connection c = dataSource().getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Waits until the archiver reports {@code segment} (or a later one) archived; fails on a time-out of 2 minutes. */
    public void awaitArchived(String segment) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String last = query("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
            if (last.length() == 24 && last.compareTo(segment) >= 0) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("segment " + segment + " was not archived within 2 minutes: "
                + query("SELECT row_to_json(a)::text FROM pg_stat_archiver a"));
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
