package dev.mooring.migrate.internal.lint;

import dev.mooring.core.sql.SqlSyntax;

import java.util.Objects;

/**
 * One migration as the linter sees it: its UP section and where that section sits in its file.
 *
 * @param script    the file name, reported in findings
 * @param version   the migration's version, or {@code null} for a repeatable migration
 * @param syntax    the lexical rules of the target database
 * @param upSql     the statements that apply the migration
 * @param firstLine the 1-based line of the file on which {@code upSql} starts, so findings point at file lines
 */
public record LintInput(String script, String version, SqlSyntax syntax, String upSql, int firstLine) {
    public LintInput {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(syntax, "syntax");
        Objects.requireNonNull(upSql, "upSql");
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be >= 1, was " + firstLine);
        }
    }
}
