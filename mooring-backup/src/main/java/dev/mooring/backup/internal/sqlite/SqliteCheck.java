package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.internal.TableDiff;
import dev.mooring.backup.internal.TableSummary;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a decoded SQLite backup before it is restored or trusted: SQLite's {@code integrity_check}, and every
 * table's rows and checksum against the manifest. Stateless.
 */
public final class SqliteCheck {
    private SqliteCheck() {
    }

    /**
     * Fails with {@link ErrorCode#BACKUP_CORRUPT} when {@code database} is damaged or differs from {@code expected}
     * ({@code null}: no manifest, only the integrity check runs). {@code backup} names the file in messages.
     */
    public static void check(Path database, List<TableSummary> expected, Path backup) {
        List<String> problems = problems(database, expected);
        if (!problems.isEmpty()) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, backup.getFileName() + " is damaged: "
                    + String.join("; ", problems) + ". Nothing was restored; use another backup.");
        }
    }

    /** What is wrong with {@code database}; empty when it is sound and matches {@code expected}. */
    public static List<String> problems(Path database, List<TableSummary> expected) {
        try (Connection c = SqliteTables.openReadOnly(database)) {
            List<String> problems = new ArrayList<>(integrity(c));
            if (problems.isEmpty() && expected != null) {
                problems.addAll(TableDiff.compare(expected, SqliteTables.summarize(c, "main")));
            }
            return problems;
        } catch (SQLException e) {
            return List.of("it is not a readable SQLite database (" + e.getMessage() + ")");
        }
    }

    /** {@code PRAGMA integrity_check} and {@code foreign_key_check} findings. */
    public static List<String> integrity(Connection c) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                if (!"ok".equals(rs.getString(1))) {
                    problems.add("integrity_check: " + rs.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
            while (rs.next()) {
                problems.add("foreign_key_check: row " + rs.getLong(2) + " of " + rs.getString(1)
                        + " references a missing row of " + rs.getString(3));
            }
        }
        return problems;
    }
}
