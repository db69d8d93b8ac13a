package dev.mooring.backup;


import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a backup holds and how to check it, stored as JSON beside the backup file ({@code <file>.manifest.json}).
 *
 * @param format         the manifest format version, currently 1
 * @param file           the backup file's name, relative to the manifest
 * @param database       the database's name (PostgreSQL) or the file's name without extension (SQLite)
 * @param source         where it came from, password redacted
 * @param dialect        {@code postgresql} or {@code sqlite}
 * @param serverVersion  the server's version (PostgreSQL) or the SQLite library's version
 * @param schemaVersion  the highest applied migration in the backup's history table, {@code null} when none
 * @param engine         {@code builtin}, {@code pg_dump} or {@code sqlite-backup-api}
 * @param startedAt      when the snapshot was taken
 * @param durationMs     how long the backup took
 * @param compression    {@code none}, {@code gzip} or {@code zstd}
 * @param encryption     {@code null}, or the scheme, e.g. {@code AES-256-GCM/PBKDF2-HMAC-SHA256}
 * @param contentBytes   the size before compression and encryption
 * @param fileBytes      the size of the file on disk
 * @param sha256         the SHA-256 of the file on disk, hex
 * @param schemas        the PostgreSQL schemas the backup recreates (empty for SQLite)
 * @param tables         every table with data: rows and content checksum, taken in the backup's snapshot. A SQLite
 *                       backup is written with row counts only; its first verification reads the checksums from the
 *                       backup file (which is the snapshot) and records them here
 * @param mooringVersion the Mooring version that wrote it
 * @param verification   the last verification, {@code null} when never verified
 */
public record BackupManifest(int format, String file, String database, String source, String dialect,
                             String serverVersion, String schemaVersion, String engine, Instant startedAt,
                             long durationMs, String compression, String encryption, long contentBytes,
                             long fileBytes, String sha256, List<String> schemas, List<TableSummary> tables,
                             String mooringVersion, Verification verification) {
    public static final int FORMAT = 1;

    public BackupManifest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(startedAt, "startedAt");
        schemas = List.copyOf(schemas == null ? List.of() : schemas);
        tables = List.copyOf(tables == null ? List.of() : tables);
    }

    /** Whether the file is encrypted. */
    public boolean encrypted() {
        return encryption != null;
    }

    /** The total rows over all tables. */
    public long totalRows() {
        return tables.stream().mapToLong(TableSummary::rows).sum();
    }

    /** Whether the last verification passed. */
    public boolean verified() {
        return verification != null && verification.passed();
    }

    /** A copy with this verification recorded. */
    public BackupManifest withVerification(Verification verification) {
        return new BackupManifest(format, file, database, source, dialect, serverVersion, schemaVersion, engine,
                startedAt, durationMs, compression, encryption, contentBytes, fileBytes, sha256, schemas, tables,
                mooringVersion, verification);
    }

    /** A copy with these tables, e.g. with the checksums a first verification computed. */
    public BackupManifest withTables(List<TableSummary> tables) {
        return new BackupManifest(format, file, database, source, dialect, serverVersion, schemaVersion, engine,
                startedAt, durationMs, compression, encryption, contentBytes, fileBytes, sha256, schemas, tables,
                mooringVersion, verification);
    }

    /** Whether some table's checksum is still to be computed. */
    public boolean checksumsPending() {
        return tables.stream().anyMatch(t -> t.checksum() == null);
    }

    /**
     * The result of {@code verify}.
     *
     * @param at       when
     * @param restored whether the backup was restored into a scratch database and compared, or only checksummed
     * @param passed   whether every check passed
     * @param problems what failed, empty when it passed
     */
    public record Verification(Instant at, boolean restored, boolean passed, List<String> problems) {
        public Verification {
            Objects.requireNonNull(at, "at");
            problems = List.copyOf(problems == null ? List.of() : problems);
        }
    }
}
