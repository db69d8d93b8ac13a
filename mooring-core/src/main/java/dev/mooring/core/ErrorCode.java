package dev.mooring.core;

/**
 * The kind of a {@link MooringException}. Each kind has its own process exit code so that scripts can
 * tell a lock time-out from a checksum mismatch without parsing messages.
 */
public enum ErrorCode {
    /** Bad command line or API arguments. */
    USAGE(2),
    /** A configuration value is invalid (a URL, a location, a setting). */
    CONFIGURATION(3),
    /** The database could not be reached or refused the credentials. */
    CONNECTION(4),
    /** A migration file is malformed: bad name, duplicate version, unreadable, bad directive. */
    INVALID_MIGRATION(5),
    /** A migration failed while running; it was rolled back where the database allows it. */
    MIGRATION_FAILED(6),
    /** Applied migrations do not match the files: edited, missing, out of order, or failed earlier. */
    VALIDATION_FAILED(7),
    /** Another process held the migration lock for longer than the lock time-out. */
    LOCK_TIMEOUT(8),
    /** A revert was asked for a migration that has no DOWN section. */
    MISSING_DOWN(9),
    /** The live schema differs from the schema the migrations produce. */
    DRIFT_DETECTED(10),
    /** Lint found changes that break older clients or lose data. */
    LINT_WARNINGS(11),
    /** A file could not be read or written. */
    IO(12),
    /** An embedded PostgreSQL could not be started. */
    EMBEDDED_DATABASE(13),
    /** A database statement failed outside of a migration. */
    DATABASE(14),
    /** A backup file is truncated, corrupted, tampered with, or does not match its manifest. */
    BACKUP_CORRUPT(15),
    /** A backup could not be decrypted: no passphrase, or the wrong one. */
    BACKUP_PASSPHRASE(16),
    /** A restore was refused or failed; the target database was left as it was. */
    RESTORE_FAILED(17),
    /** A restore needs confirmation (--yes, --force) that was not given. */
    CONFIRMATION_REQUIRED(18),
    /** An external tool (pg_dump) is missing, too old, or failed. */
    EXTERNAL_TOOL(19),
    /** A sync cursor is older than the change history the server keeps: the client must bootstrap again. */
    CURSOR_EXPIRED(20),
    /** A sync request had no valid bearer token, or asked for something its user may not do. */
    AUTHENTICATION(21),
    /** The sync server could not be reached or kept failing (down, time-outs, 5xx) after the retries allowed. */
    SYNC_UNAVAILABLE(22),
    /** The sync server does not accept this client: its schema version is too old or the protocol differs. */
    SYNC_INCOMPATIBLE(23),
    /** A data package is truncated, corrupted, or does not match its manifest; nothing was imported. */
    PACKAGE_CORRUPT(24),
    /**
     * A data package does not fit this database (older than one it holds, for a newer schema, for a table it does
     * not sync, for another user); nothing was imported.
     */
    PACKAGE_REFUSED(25),
    /** A peer exchange file or message is truncated or corrupted; nothing was imported. */
    PEER_EXCHANGE_CORRUPT(26),
    /**
     * A peer's changes do not fit this database: they come from another user's device, or from a device whose user
     * is not known yet; nothing was imported.
     */
    PEER_REFUSED(27),
    /**
     * A backup's verification could not run: its scratch database cannot be reached or created, a disk is full. This
     * is no verdict on the backup, and nothing was recorded in its manifest.
     */
    VERIFY_NOT_RUN(28),
    /**
     * The SQLite library of a client database's connection is older than the oldest the sync client supports (or
     * lacks its JSON functions); nothing was changed.
     */
    SQLITE_UNSUPPORTED(29),
    /** A bug in Mooring itself. */
    INTERNAL(70);

    private final int exitCode;

    ErrorCode(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code the CLI uses for this kind of error. */
    public int exitCode() {
        return exitCode;
    }
}
