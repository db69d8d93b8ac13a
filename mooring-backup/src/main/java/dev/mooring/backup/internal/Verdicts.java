package dev.mooring.backup.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells what a failed verification step means: proof that the backup itself is bad (its bytes, its structure, what it
 * restores to), or only that the verification could not run (no passphrase or the wrong one, a scratch database that
 * cannot be reached, a full disk). Only proof is recorded in the manifest: retention deletes failed backups, so a
 * typo in a passphrase must never make a good backup look failed. Stateless.
 */
final class Verdicts {
    // SQLSTATE classes that describe the server's situation rather than the statement: connection exception,
    // insufficient resources (disk full, out of memory), operator intervention (shutdown, cancel), system error.
    private static final Set<String> SERVER_TROUBLE = Set.of("08", "53", "57", "58");
    // SQLite's primary result codes of the same kind: PERM, BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN.
    // SQLite reports them with no SQLSTATE; a damaged file is CORRUPT (11) or NOTADB (26) instead.
    private static final Set<Integer> SQLITE_TROUBLE = Set.of(3, 5, 6, 7, 8, 10, 13, 14);

    private Verdicts() {
    }

    /**
     * Whether {@code e} proves the backup bad: it is damaged or differs from its manifest, or restoring it failed for
     * a reason of its own rather than of the scratch database's.
     */
    static boolean provesBackupBad(MooringException e) {
        return (e.code() == ErrorCode.BACKUP_CORRUPT || e.code() == ErrorCode.RESTORE_FAILED) && !scratchTrouble(e);
    }

    /**
     * The error for a verification that could not run because of {@code e}: {@code BACKUP_PASSPHRASE} for a key
     * problem, {@code VERIFY_NOT_RUN} otherwise.
     */
    static MooringException notRun(String backup, MooringException e) {
        ErrorCode code = e.code() == ErrorCode.BACKUP_PASSPHRASE ? ErrorCode.BACKUP_PASSPHRASE : ErrorCode.VERIFY_NOT_RUN;
        return new MooringException(code, "The verification of " + backup + " could not run, so it is no"
                + " verdict on the backup and nothing was recorded in its manifest: " + e.getMessage(), e);
    }

    private static boolean scratchTrouble(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null ? state.length() >= 2 && SERVER_TROUBLE.contains(state.substring(0, 2))
                        : SQLITE_TROUBLE.contains(sql.getErrorCode() & 0xFF);
            }
        }
        return false;
    }
}
