package dev.mooring.migrate;

/** What kind of row a history entry or a script is. */
public enum MigrationType {
    /** Applied once, in version order. */
    VERSIONED,
    /** Flyway's {@code R__name.sql}: re-applied after the versioned ones whenever its checksum changes. */
    REPEATABLE,
    /** A marker written by {@code baseline}: everything up to its version counts as applied. */
    BASELINE
}
