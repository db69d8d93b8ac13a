package dev.mooring.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * What a physical base backup of a PostgreSQL server holds, stored as JSON beside its archive and written last, so
 * that only complete base backups are ever listed.
 *
 * @param format           the manifest format version, currently 1
 * @param name             the base backup's name, such as {@code base-20261201T101500123Z}
 * @param file             the archive's name: a tar stream in Mooring's backup file format
 * @param source           the server it came from, password redacted
 * @param serverVersion    the server's {@code server_version}
 * @param serverVersionNum the server's {@code server_version_num}, such as 180001
 * @param systemIdentifier the cluster's system identifier (from {@code pg_control}), which its WAL carries too
 * @param timeline         the timeline the backup started on
 * @param walSegmentSize   the server's {@code wal_segment_size} in bytes
 * @param startLsn         where WAL replay must start ({@code pg_backup_start}'s position)
 * @param stopLsn          where the copy becomes consistent ({@code pg_backup_stop}'s position)
 * @param startWal         the WAL segment holding {@code startLsn}
 * @param stopWal          the WAL segment holding {@code stopLsn}
 * @param startedAt        the server's clock when the backup started
 * @param stoppedAt        the server's clock after it stopped: the earliest moment it can restore to
 * @param durationMs       how long it took
 * @param dataDirectory    the data directory that was copied
 * @param files            how many files the archive holds
 * @param contentBytes     their total size
 * @param fileBytes        the archive's size after compression and encryption
 * @param sha256           the archive's SHA-256, hex
 * @param compression      {@code none}, {@code gzip} or {@code zstd}
 * @param encryption       {@code null}, or the scheme
 * @param jobs             how many workers copied and compressed
 * @param mooringVersion   the Mooring version that wrote it
 */
public record BaseBackupManifest(int format, String name, String file, String source, String serverVersion,
                                 int serverVersionNum, String systemIdentifier, int timeline, long walSegmentSize,
                                 String startLsn, String stopLsn, String startWal, String stopWal, Instant startedAt,
                                 Instant stoppedAt, long durationMs, String dataDirectory, long files,
                                 long contentBytes, long fileBytes, String sha256, String compression,
                                 String encryption, int jobs, String mooringVersion) {
    public static final int FORMAT = 1;

    public BaseBackupManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(startLsn, "startLsn");
        Objects.requireNonNull(stopLsn, "stopLsn");
        Objects.requireNonNull(stoppedAt, "stoppedAt");
    }

    /** Whether the archive is encrypted. */
    public boolean encrypted() {
        return encryption != null;
    }

    /** The major version, such as 18. */
    public int majorVersion() {
        return serverVersionNum / 10000;
    }
}
