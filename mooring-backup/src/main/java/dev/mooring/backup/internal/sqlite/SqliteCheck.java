package dev.mooring.backup.internal.sqlite;

import dev.mooring.backup.internal.TableDiff;
import dev.mooring.backup.TableSummary;
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
 * Checks a decoded SQLite backup before it is restored or trusted: SQLite's {@code integrity_check}, the statements of
 * its schema (which a restore runs), and every table's rows and checksum against the manifest. Stateless.
 */
public final class SqliteCheck {
    private SqliteCheck() {
    }

    /**
     * Fails with {@link ErrorCode#BACKUP_CORRUPT} when {@code database} is damaged or differs from {@code expected}
     * ({@code null}: no manifest, only the integrity check runs). {@code backup} is the backup's name, for messages.
     * Foreign key violations are not checked here: a backup faithfully holds those of its source, and a restore
     * brings them back; {@code verify} reports them.
     */
    public static void check(Path database, List<TableSummary> expected, String backup) {
        List<String> problems = problems(database, expected, false);
        if (!problems.isEmpty()) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, backup + " is damaged or was altered: "
                    + String.join("; ", problems) + ". Nothing was restored; use another backup.");
        }
    }

    /** What is wrong with {@code database}; empty when it is sound and matches {@code expected}. */
    public static List<String> problems(Path database, List<TableSummary> expected, boolean foreignKeys) {
        Inspection inspection = inspect(database, foreignKeys);
        List<String> problems = new ArrayList<>(inspection.problems());
        if (inspection.tables() != null && expected != null) {
            problems.addAll(TableDiff.compare(expected, inspection.tables()));
        }
        return problems;
    }

    /**
     * What a decoded backup holds and what is wrong with it by SQLite's own checks.
     *
     * @param problems integrity (and with foreign keys, reference) findings; empty when sound
     * @param tables   every table's rows and checksum, {@code null} when the file is unreadable or damaged
     */
    public record Inspection(List<String> problems, List<TableSummary> tables) {
    }

    /**
     * Runs SQLite's checks on {@code database}, and {@link SqliteSchemaCheck}'s on the statements of its schema, and
     * when it is sound reads every table's rows and checksum.
     */
    public static Inspection inspect(Path database, boolean foreignKeys) {
        try (Connection c = SqliteTables.openReadOnly(database)) {
            List<String> problems = integrity(c, foreignKeys);
            problems.addAll(SqliteSchemaCheck.problems(c));
            boolean damaged = problems.stream().anyMatch(p -> p.startsWith("integrity_check"));
            return new Inspection(problems, damaged ? null : SqliteTables.summarize(c, "main"));
        } catch (SQLException e) {
            return new Inspection(List.of("it is not a readable SQLite database (" + e.getMessage() + ")"), null);
        }
    }

    /** {@code PRAGMA integrity_check} findings, and with {@code foreignKeys} those of {@code foreign_key_check}. */
    public static List<String> integrity(Connection c, boolean foreignKeys) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            while (rs.next()) {
                if (!"ok".equals(rs.getString(1))) {
                    problems.add("integrity_check: " + rs.getString(1));
                }
            }
        }
        if (foreignKeys) {
            // One line per broken reference, not per row: a single bad import can leave thousands.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT \"table\", parent, count(*)"
                    + " FROM pragma_foreign_key_check GROUP BY \"table\", parent ORDER BY \"table\", parent")) {
                while (rs.next()) {
                    problems.add("foreign_key_check: " + rs.getLong(3) + " row(s) of " + rs.getString(1)
                            + " reference missing rows of " + rs.getString(2));
                }
            }
        }
        return problems;
    }
}
