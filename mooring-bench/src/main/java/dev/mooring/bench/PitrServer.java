package dev.mooring.bench;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The PITR benchmark's server: an embedded PostgreSQL (zonky binaries of a chosen version: pgBackRest 2.45, Debian
 * 12's, reads PostgreSQL 15 at most) in a data directory the benchmark names, with
 * {@code wal_level = replica}, {@code archive_mode = on}, 16 MB WAL segments (PostgreSQL's default) and
 * {@code fsync = off} (so generating the data is quick; no contender writes through the server). While the data is
 * generated, {@code archive_command} copies every segment into a source folder: those real segments are what the
 * push benchmark archives. Close it to stop the server and delete its data directory. Not thread-safe.
 */
final class PitrServer implements AutoCloseable {
    static final String DATABASE = "bench";

    private final EmbeddedPostgres postgres;
    private final Path dataDirectory;
    private final Path walSource;

    private PitrServer(EmbeddedPostgres postgres, Path dataDirectory, Path walSource) {
        this.postgres = postgres;
        this.dataDirectory = dataDirectory;
        this.walSource = walSource;
    }

    /** Starts a server from the zonky binaries jar {@code binariesJar} (see {@link EmbeddedPostgresServer#openBinaries}). */
    static PitrServer start(Path binariesJar, Path dataDirectory, Path walSource) throws IOException {
        Files.createDirectories(walSource);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPgBinaryResolver((system, machine) -> EmbeddedPostgresServer.openBinaries(binariesJar))
                .setPGStartupWait(Duration.ofSeconds(60))
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(true)
                .setServerConfig("wal_level", "replica")
                .setServerConfig("archive_mode", "on")
                .setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "50")
                .start();
        PitrServer server = new PitrServer(postgres, dataDirectory.toAbsolutePath(), walSource.toAbsolutePath());
        // zonky hands settings to pg_ctl -o, which a shell splits: a command with spaces goes in through SQL
        server.setArchiveCommand("cp %p " + server.walSource + "/%f");
        return server;
    }

    /**
     * Fills database {@link #DATABASE} with {@link BackupData#multiTable} at {@code scale}, then writes filler rows
     * until at least {@code segments} WAL segments are archived in the source folder, and keeps the first
     * {@code segments} of them (the filled ones, written while the data was loaded, when there are enough).
     */
    void generate(double scale, int segments) throws SQLException, IOException {
        execute(postgres.getPostgresDatabase(), "CREATE DATABASE " + DATABASE);
        DataSource bench = postgres.getDatabase("postgres", DATABASE);
        BackupData.multiTable(bench, scale);
        execute(bench, "CREATE TABLE wal_filler (id bigint, note text)");
        awaitArchived(switchWal());
        for (int i = 0; archived().size() < segments; i++) {
            execute(bench, "INSERT INTO wal_filler SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series("
                    + i * 200_000L + ", " + (i + 1) * 200_000L + ") g");
            awaitArchived(switchWal());
        }
        List<Path> all = archived();
        for (Path extra : all.subList(segments, all.size())) {
            Files.delete(extra);
        }
        execute(bench, "DROP TABLE wal_filler");
        execute(postgres.getPostgresDatabase(), "CHECKPOINT");
    }

    /**
     * From now on the server archives into nothing ({@code archive_command = 'true'}): archiving stays on, so
     * Mooring's {@code pg_backup_stop} still waits for its segment, but no third tool's archiving is timed inside a
     * contender's base backup.
     */
    void archiveIntoNothing() {
        setArchiveCommand("true");
    }

    /**
     * {@code pg_backup_start(label, true)} then {@code pg_backup_stop(waitForArchive)} in one session, with nothing
     * copied between: the fixed cost a base backup pays on the server. With {@code true} (what Mooring asks for) the
     * stop waits until the archiver has taken the segment it ends, polling once a second.
     */
    void startAndStopBackup(boolean waitForArchive) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_backup_start('bench', true)");
            s.execute("SELECT * FROM pg_backup_stop(" + waitForArchive + ")");
        }
    }

    boolean dataChecksums() throws SQLException {
        return "on".equals(query("SHOW data_checksums"));
    }

    /** The archived segments in the source folder, sorted by name. */
    List<Path> segments() throws IOException {
        return archived();
    }

    private List<Path> archived() throws IOException {
        try (Stream<Path> files = Files.list(walSource)) {
            return files.filter(p -> p.getFileName().toString().matches("[0-9A-F]{24}")).sorted().toList();
        }
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    int port() {
        return postgres.getPort();
    }

    /** The URL of the {@code postgres} database as the superuser, as the backups connect. */
    DatabaseUrl url() {
        return DatabaseUrl.parse(postgres.getJdbcUrl("postgres", "postgres"));
    }

    String version() throws SQLException {
        return "PostgreSQL " + query("SHOW server_version");
    }

    String socketDirectory() throws SQLException {
        return query("SHOW unix_socket_directories").split(",")[0].strip();
    }

    long segmentBytes() throws SQLException {
        return Long.parseLong(query("SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'"));
    }

    long databaseBytes() throws SQLException {
        return Long.parseLong(query("SELECT pg_database_size('" + DATABASE + "')"));
    }

    /** The bytes of the data directory's files outside {@code pg_wal}: what every base backup reads. */
    long contentBytes() throws IOException {
        try (Stream<Path> files = contentFileStream()) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    long contentFiles() throws IOException {
        try (Stream<Path> files = contentFileStream()) {
            return files.count();
        }
    }

    private Stream<Path> contentFileStream() throws IOException {
        Path wal = dataDirectory.resolve("pg_wal");
        return Files.walk(dataDirectory).filter(p -> !p.startsWith(wal)).filter(Files::isRegularFile);
    }

    /** The data directory's top-level files and folders, {@code pg_wal} left out (both backups leave its files out). */
    List<Path> topLevelEntriesBesidesWal() throws IOException {
        try (Stream<Path> entries = Files.list(dataDirectory)) {
            return entries.filter(p -> !p.getFileName().toString().equals("pg_wal")).sorted().toList();
        }
    }

    private void setArchiveCommand(String command) {
        DataSource ds = postgres.getPostgresDatabase();
        try {
            execute(ds, "ALTER SYSTEM SET archive_command = '" + command.replace("'", "''") + "'");
            execute(ds, "SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private String switchWal() throws SQLException {
        return query("SELECT pg_walfile_name(pg_switch_wal())");
    }

    private void awaitArchived(String segment) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
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
        throw new IllegalStateException("segment " + segment + " was not archived within 5 minutes: "
                + query("SELECT row_to_json(a)::text FROM pg_stat_archiver a"));
    }

    private String query(String sql) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
