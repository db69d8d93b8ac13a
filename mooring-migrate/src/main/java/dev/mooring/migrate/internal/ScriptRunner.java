package dev.mooring.migrate.internal;

import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.migrate.MigrationFailedException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Executes the statements of a script section one by one, so that a failure can name the file, the line and the
 * statement. Stateless and thread-safe.
 */
public final class ScriptRunner {
    private static final int MAX_STATEMENT_IN_MESSAGE = 300;

    private ScriptRunner() {
    }

    /**
     * Runs {@code sql} (which starts on line {@code firstLine} of {@code file}) on {@code c}.
     *
     * @throws MigrationFailedException naming the failing statement
     */
    public static void run(Connection c, SqlSyntax syntax, String sql, String file, int firstLine) {
        List<SqlStatement> statements;
        try {
            statements = SqlSplitter.split(sql, syntax, firstLine);
        } catch (MooringException e) {
            throw new MigrationFailedException(file + ": " + e.getMessage(), file, firstLine, null, e);
        }
        if (statements.isEmpty()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            for (SqlStatement statement : statements) {
                try {
                    s.execute(statement.sql());
                } catch (SQLException e) {
                    int line = statement.line();
                    throw new MigrationFailedException(file + " line " + line + " failed: " + clean(e.getMessage())
                            + "\n  statement: " + abbreviate(statement.sql()), file, line, e.getSQLState(), e);
                }
            }
        } catch (SQLException e) {
            throw new MigrationFailedException(file + ": could not create a statement: " + e.getMessage(), file, firstLine,
                    e.getSQLState(), e);
        }
    }

    private static String clean(String message) {
        return message == null ? "(no message)" : Redaction.redact(message.strip());
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= MAX_STATEMENT_IN_MESSAGE ? oneLine : oneLine.substring(0, MAX_STATEMENT_IN_MESSAGE) + " …";
    }
}
