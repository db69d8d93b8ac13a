package dev.mooring.backup;

/**
 * How {@link Backups#restore} restores.
 *
 * @param clean              drop what the backup recreates first (PostgreSQL: its schemas; SQLite: all tables),
 *                           in the same transaction as the restore
 * @param force              restore even when the backup's schema version is newer than {@code knownSchemaVersion}
 * @param knownSchemaVersion the newest migration version the application knows of, {@code null} when unknown; a
 *                           backup from a newer schema needs {@code force}
 */
public record RestoreOptions(boolean clean, boolean force, String knownSchemaVersion) {
    /** A plain restore into an empty database. */
    public static RestoreOptions defaults() {
        return new RestoreOptions(false, false, null);
    }

    public RestoreOptions withClean(boolean clean) {
        return new RestoreOptions(clean, force, knownSchemaVersion);
    }

    public RestoreOptions withForce(boolean force) {
        return new RestoreOptions(clean, force, knownSchemaVersion);
    }

    public RestoreOptions withKnownSchemaVersion(String knownSchemaVersion) {
        return new RestoreOptions(clean, force, knownSchemaVersion);
    }
}
