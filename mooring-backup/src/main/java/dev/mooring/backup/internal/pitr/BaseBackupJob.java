package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BaseBackupManifest;
import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.file.WrittenFile;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Takes one physical base backup: {@code pg_backup_start} (non-exclusive, in a session held open for the whole copy),
 * a copy of the data directory read straight from disk on the database host, {@code pg_backup_stop} (which waits
 * until the WAL the backup needs is archived), and its {@code backup_label} (and {@code tablespace_map}) added to the
 * archive. The manifest is written last. A failure anywhere closes the session, which ends the backup on the server,
 * and discards the archive. Single use.
 */
public final class BaseBackupJob {
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final DatabaseUrl url;
    private final BackupConfig config;
    private final BackupStore store;

    public BaseBackupJob(DatabaseUrl url, BackupConfig config, BackupStore store) {
        this.url = url;
        this.config = config;
        this.store = store;
    }

    /** Runs the backup; {@code pgdata} is the data directory, or null to ask the server. */
    public BaseBackupManifest run(Path pgdata) {
        if (!"postgresql".equals(url.dialect().name())) {
            throw new MooringException(ErrorCode.USAGE, "basebackup copies a PostgreSQL server; " + url.redacted()
                    + " is not one (SQLite backups are taken with mooring backup)");
        }
        char[] passphrase = config.encrypt() ? Passphrase.fromEnvironment(config.environment()) : null;
        long began = System.nanoTime();
        try (Connection c = connect()) {
            ServerFacts facts = ServerFacts.read(c, pgdata);
            String name = "base-" + NAME_TIME.format(Instant.now());
            String file = name + ".tar" + config.compression().extension();
            String startLsn;
            Instant startedAt;
            try (PreparedStatement s = c.prepareStatement("SELECT pg_backup_start(?, true)::text, clock_timestamp()")) {
                s.setString(1, "mooring " + name);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    startLsn = rs.getString(1);
                    startedAt = rs.getTimestamp(2).toInstant();
                }
            } catch (SQLException e) {
                throw new MooringException(ErrorCode.DATABASE, "pg_backup_start failed: " + e.getMessage() + ". The role"
                        + " needs EXECUTE on pg_backup_start and pg_backup_stop (GRANT EXECUTE ON FUNCTION"
                        + " pg_backup_start(text, boolean), pg_backup_stop(boolean) TO <role>), or to be superuser", e);
            }
            int timeline = facts.timelineOf(c, startLsn);
            try (BackupFileWriter writer = BackupFileWriter.create(store, file, config.compression(), passphrase)) {
                List<DataDirectoryScan.Item> items = DataDirectoryScan.scan(facts.dataDirectory());
                long[] copied = new DataDirectoryCopy(facts.dataDirectory(), writer, config.jobs()).copy(items);
                Stop stop = stop(c);
                try (OutputStream last = writer.openSegment()) {
                    TarWriter tar = new TarWriter(last);
                    long now = Instant.now().getEpochSecond();
                    tar.file("backup_label", 0600, now, stop.label().getBytes(StandardCharsets.UTF_8));
                    if (stop.tablespaceMap() != null && !stop.tablespaceMap().isEmpty()) {
                        tar.file("tablespace_map", 0600, now, stop.tablespaceMap().getBytes(StandardCharsets.UTF_8));
                    }
                    tar.finish();
                }
                WrittenFile written = writer.finish();
                Lsn start = Lsn.parse(startLsn);
                Lsn end = Lsn.parse(stop.lsn());
                BaseBackupManifest manifest = new BaseBackupManifest(BaseBackupManifest.FORMAT, name, file,
                        url.redacted(), facts.version(), facts.versionNum(), facts.systemIdentifier(), timeline,
                        facts.segmentSize(), start.toString(), end.toString(),
                        start.segment(timeline, facts.segmentSize()).name(),
                        new Lsn(end.value() - 1).segment(timeline, facts.segmentSize()).name(), startedAt, stop.at(),
                        (System.nanoTime() - began) / 1_000_000, facts.dataDirectory().toString(), copied[0],
                        copied[1], written.bytes(), written.sha256(),
                        config.compression().name().toLowerCase(Locale.ROOT),
                        passphrase == null ? null : BackupFileWriter.ENCRYPTION, config.jobs(),
                        ManifestStore.mooringVersion());
                BaseManifests.write(store, manifest);
                return manifest;
            } catch (IOException e) {
                throw new MooringException(ErrorCode.IO, "could not write the base backup to " + store.describe(file)
                        + ": " + e.getMessage(), e);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "the base backup failed: " + e.getMessage(), e);
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    private Connection connect() {
        try {
            return url.toDataSource().getConnection();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.CONNECTION, "could not connect to " + url.redacted() + ": "
                    + e.getMessage(), e);
        }
    }

    private record Stop(String lsn, String label, String tablespaceMap, Instant at) {
    }

    private static Stop stop(Connection c) {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT lsn::text, labelfile, spcmapfile, clock_timestamp()"
                     + " FROM pg_backup_stop(true)")) {
            rs.next();
            return new Stop(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant());
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "pg_backup_stop failed: " + e.getMessage(), e);
        }
    }

    /** What the backup needs to know about the server before it starts. */
    private record ServerFacts(String version, int versionNum, Path dataDirectory, long segmentSize,
                               String systemIdentifier) {
        static ServerFacts read(Connection c, Path pgdata) throws SQLException {
            String version;
            int versionNum;
            String archiveMode;
            long segmentSize;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('server_version'),"
                         + " current_setting('server_version_num')::int, current_setting('archive_mode'),"
                         + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size')")) {
                rs.next();
                version = rs.getString(1);
                versionNum = rs.getInt(2);
                archiveMode = rs.getString(3);
                segmentSize = rs.getLong(4);
            }
            if (versionNum < 150000) {
                throw new MooringException(ErrorCode.CONFIGURATION, "basebackup needs PostgreSQL 15 or newer"
                        + " (pg_backup_start); this server is " + version + ": use pg_basebackup for it");
            }
            if ("off".equals(archiveMode)) {
                throw new MooringException(ErrorCode.CONFIGURATION, "archive_mode is off on this server, so the WAL a"
                        + " base backup needs is not archived and the backup could never be restored: set archive_mode"
                        + " = on and archive_command = 'mooring wal push %p --dir …' in postgresql.conf and restart"
                        + " (see docs/point-in-time-recovery.md)");
            }
            Path dir = DataDirectoryScan.requireDataDirectory(pgdata != null ? pgdata : dataDirectory(c));
            String identifier = systemIdentifier(dir);
            String servers = serverSystemIdentifier(c);
            if (servers != null && !servers.equals(identifier)) {
                throw new MooringException(ErrorCode.CONFIGURATION, dir + " is the data directory of another server"
                        + " (system identifier " + identifier + ", the server's is " + servers + "): give this server's"
                        + " with --pgdata, or leave --pgdata out");
            }
            return new ServerFacts(version, versionNum, dir, segmentSize, identifier);
        }

        private static Path dataDirectory(Connection c) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW data_directory")) {
                rs.next();
                return Path.of(rs.getString(1));
            } catch (SQLException e) {
                throw new MooringException(ErrorCode.CONFIGURATION, "could not ask the server where its data directory"
                        + " is (" + e.getMessage() + "): give it with --pgdata, or grant the role pg_read_all_settings", e);
            }
        }

        /** The server's system identifier, or null when the role may not ask for it. */
        private static String serverSystemIdentifier(Connection c) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
                rs.next();
                return rs.getString(1);
            } catch (SQLException e) {
                return null;
            }
        }

        /** The first field of {@code global/pg_control}, in the machine's byte order, which is little-endian here. */
        private static String systemIdentifier(Path dir) {
            Path control = dir.resolve("global/pg_control");
            try {
                byte[] head = Arrays.copyOf(Files.readAllBytes(control), 8);
                return Long.toUnsignedString(ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong());
            } catch (IOException e) {
                throw new MooringException(ErrorCode.CONFIGURATION, "could not read " + control + " (" + e.getMessage()
                        + "): run basebackup on the database host as a user who can read the data directory, and give"
                        + " the directory with --pgdata if the server's data_directory is not the path here", e);
            }
        }

        int timelineOf(Connection c, String lsn) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_walfile_name(?::pg_lsn)")) {
                s.setString(1, lsn);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return Integer.parseInt(rs.getString(1).substring(0, 8), 16);
                }
            }
        }
    }
}
