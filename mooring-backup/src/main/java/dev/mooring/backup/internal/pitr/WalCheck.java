package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.WalCheckResult;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a live server archives its WAL into a store: its settings, then a forced segment switch
 * ({@code pg_switch_wal}) whose segment must arrive in the archive within a time limit, watching
 * {@code pg_stat_archiver} for failures meanwhile. Stateless.
 */
public final class WalCheck {
    private static final Duration POLL = Duration.ofMillis(200);

    private WalCheck() {
    }

    public static WalCheckResult run(DatabaseUrl url, BackupStore archive, Duration timeout) {
        try (Connection c = url.toDataSource().getConnection()) {
            c.setAutoCommit(true);
            String walLevel = setting(c, "wal_level");
            String mode = setting(c, "archive_mode");
            String command = setting(c, "archive_command");
            String library = setting(c, "archive_library");
            List<String> problems = new ArrayList<>();
            if (walLevel.equals("minimal")) {
                problems.add("wal_level is minimal: set wal_level = replica in postgresql.conf and restart the server");
            }
            if (mode.equals("off")) {
                problems.add("archive_mode is off: set archive_mode = on in postgresql.conf and restart the server");
            }
            if (!library.isEmpty()) {
                problems.add("archive_library is set (" + library + "), so archive_command is not used: set"
                        + " archive_library = '' and reload");
            }
            if (command.isBlank() || command.equals("(disabled)")) {
                problems.add("archive_command is empty: set archive_command = '<java -jar mooring.jar> wal push %p --dir"
                        + " <where backups go>' and reload (SELECT pg_reload_conf())");
            } else if (!command.contains("wal push")) {
                problems.add("archive_command (" + masked(command) + ") does not run mooring wal push: this check waits"
                        + " for the archive at " + archive.describe());
            }
            Archiver before = archiver(c);
            if (!problems.isEmpty() && (mode.equals("off") || walLevel.equals("minimal") || !library.isEmpty()
                    || command.isBlank() || command.equals("(disabled)"))) {
                return result(false, null, Duration.ZERO, walLevel, mode, command, before, problems);
            }
            String segment = switchWal(c);
            Instant started = Instant.now();
            while (true) {
                if (archive.exists(segment)) {
                    return result(true, segment, Duration.between(started, Instant.now()), walLevel, mode, command,
                            archiver(c), problems);
                }
                Archiver now = archiver(c);
                Duration waited = Duration.between(started, Instant.now());
                if (now.failed() > before.failed() && segment.equals(now.lastFailedWal())) {
                    problems.add("archive_command failed for " + segment + " (" + now.failed() + " failures in all, the"
                            + " last at " + now.lastFailedAt() + "): the server log says why");
                    return result(false, segment, waited, walLevel, mode, command, now, problems);
                }
                if (waited.compareTo(timeout) >= 0) {
                    problems.add(segment + " did not arrive in " + archive.describe() + " within "
                            + timeout.toSeconds() + " s of the switch" + (now.failed() > 0 ? " (the last failure was for "
                            + now.lastFailedWal() + " at " + now.lastFailedAt() + ")" : "") + ": check that"
                            + " archive_command writes there, and the server log");
                    return result(false, segment, waited, walLevel, mode, command, now, problems);
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (SQLException e) {
            String fix = "42501".equals(e.getSQLState()) ? ": the role needs GRANT EXECUTE ON FUNCTION pg_switch_wal() and"
                    + " pg_read_all_settings, or connect as a superuser" : "";
            throw new MooringException(ErrorCode.DATABASE, "Could not check archiving on " + url.redacted() + ": "
                    + e.getMessage() + fix, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.IO, "the archiving check was interrupted", e);
        }
    }

    /** Writes a commit record, so that there is a segment to switch away from, and switches; returns its name. */
    private static String switchWal(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_catalog.txid_current()");
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_walfile_name(pg_catalog.pg_switch_wal())")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private record Archiver(long archived, long failed, String lastFailedWal, Instant lastFailedAt) {
    }

    private static Archiver archiver(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT archived_count, failed_count, last_failed_wal, last_failed_time FROM pg_catalog.pg_stat_archiver")) {
            rs.next();
            Timestamp failedAt = rs.getTimestamp(4);
            return new Archiver(rs.getLong(1), rs.getLong(2), rs.getString(3), failedAt == null ? null : failedAt.toInstant());
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.current_setting('" + name + "', true)")) {
            rs.next();
            String value = rs.getString(1);
            return value == null ? "" : value;
        }
    }

    /**
     * An archive_command may hold secrets in environment assignments ({@code env AWS_SECRET_ACCESS_KEY=…}) or a
     * password in a URL: every assignment's value and every URL's password is masked, whatever the name.
     */
    static String masked(String command) {
        return command.replaceAll("(\\b[A-Za-z_][A-Za-z0-9_]*=)('[^']*'|\"[^\"]*\"|\\S+)", "$1***")
                .replaceAll("(://[^/:@\\s]+:)[^@\\s]+@", "$1***@");
    }

    private static WalCheckResult result(boolean works, String segment, Duration waited, String walLevel, String mode,
                                         String command, Archiver archiver, List<String> problems) {
        return new WalCheckResult(works, segment, waited, walLevel, mode, masked(command), archiver.archived(),
                archiver.failed(), archiver.lastFailedWal(), archiver.lastFailedAt(), problems);
    }
}
