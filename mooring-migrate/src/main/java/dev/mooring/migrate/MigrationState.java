package dev.mooring.migrate;

/** Where a migration stands, as {@code info} shows it. */
public enum MigrationState {
    /** Not applied yet; the next {@code migrate} applies it. */
    PENDING,
    /** Applied successfully. */
    APPLIED,
    /** Its last attempt failed outside a transaction; {@code repair} clears it after the database is fixed by hand. */
    FAILED,
    /** Applied, but its file is gone. */
    MISSING,
    /** A repeatable migration whose file changed since it was applied; the next {@code migrate} re-applies it. */
    OUTDATED,
    /** Pending, but older than the latest applied version: applied only with {@code --out-of-order}. */
    OUT_OF_ORDER,
    /** The baseline marker. */
    BASELINE,
    /** At or below the baseline version: taken as already present, never applied. */
    BELOW_BASELINE,
    /** Pending but above the requested {@code --target}. */
    ABOVE_TARGET
}
