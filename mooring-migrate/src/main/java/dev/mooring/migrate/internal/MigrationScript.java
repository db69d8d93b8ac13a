package dev.mooring.migrate.internal;

import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;

/**
 * One migration as found in a location: its identity, its UP and (optional) DOWN SQL, and where each starts in
 * its file so errors point at the right line. Immutable.
 *
 * @param version      the version; {@code null} for repeatable migrations
 * @param description  from the {@code -- Description:} header, else from the file name
 * @param type         {@link MigrationType#VERSIONED} or {@link MigrationType#REPEATABLE}
 * @param script       the file name, e.g. {@code 20260105090000_create_users.sql}
 * @param location     where it was found (a folder or class path location), for messages
 * @param up           the SQL that applies it
 * @param upLine       1-based line of the file where {@code up} starts
 * @param down         the SQL that reverts it, or {@code null}
 * @param downScript   the file holding {@code down} (the same file or a {@code .down.sql} file), or {@code null}
 * @param downLine     1-based line of {@code downScript} where {@code down} starts
 * @param checksum     checksum of the UP part (line endings and trailing white space ignored)
 * @param transactional false when the file carries {@code -- mooring:no-transaction}
 */
public record MigrationScript(MigrationVersion version, String description, MigrationType type, String script,
                              String location, String up, int upLine, String down, String downScript, int downLine,
                              long checksum, boolean transactional) {

    /** The migration with a DOWN part taken from a separate file. */
    public MigrationScript withDown(String downSql, String file, int line) {
        return new MigrationScript(version, description, type, script, location, up, upLine, downSql, file, line,
                checksum, transactional);
    }

    /** The identity used to match history rows: the version, or the description for repeatables. */
    public String key() {
        return version != null ? "V:" + version.canonical() : "R:" + description;
    }
}
