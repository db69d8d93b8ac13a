package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/** What writes a PostgreSQL backup. SQLite backups always use SQLite's online backup API. */
public enum BackupEngine {
    /** Mooring's own dump: catalog DDL and COPY in one snapshot, parallel with {@code jobs}; needs no client tools. */
    BUILTIN,
    /** An installed {@code pg_dump} (plain format), at least as new as the server. */
    PG_DUMP;

    /** Parses {@code builtin} or {@code pg_dump}, ignoring case. */
    public static BackupEngine parse(String name) {
        String n = name.strip().replace('-', '_');
        for (BackupEngine e : values()) {
            if (e.name().equalsIgnoreCase(n)) {
                return e;
            }
        }
        throw new MooringException(ErrorCode.USAGE, "unknown backup engine '" + name + "': use builtin or pg_dump");
    }
}
