package dev.mooring.migrate.internal.lint;

import dev.mooring.core.MooringException;
import dev.mooring.migrate.LintFinding;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds changes in migrations that break clients still on an older version of the application — offline clients
 * can lag for weeks, reading and writing the old shape — or that lose data.
 *
 * <p>Rules (ids are stable): {@code drop-table}, {@code drop-column}, {@code rename-table},
 * {@code rename-column}, {@code add-not-null-without-default}, {@code set-not-null}, {@code type-narrowing},
 * {@code type-change}, {@code truncate}, {@code delete-without-where}, and {@code table-rebuild}, which stands in for
 * the drop and rename findings of SQLite's rebuild-a-table idiom. Type rules compare an
 * {@code ALTER COLUMN … TYPE} with the type declared by earlier inputs (CREATE TABLE, ADD COLUMN, ALTER COLUMN
 * TYPE), so inputs must come in migration order; a change from an unknown type is reported as {@code type-change}.
 *
 * <p>Statements are read through {@code SqlSplitter.codeOnly}, so keywords inside strings, comments, quoted
 * names and function bodies never trigger a rule. The other side of that: statements inside {@code DO} blocks,
 * function bodies or dynamic SQL are not linted. Names are matched without their schema.
 *
 * <p>Thread-safe: stateless; each call keeps its own state.
 */
public final class Linter {
    private Linter() {
    }

    /**
     * Lints {@code inputs}, given in migration order.
     *
     * @return the findings, in input order and, within an input, in statement order
     * @throws MooringException with {@code INVALID_MIGRATION} if a script has an unterminated quote, comment or
     *                          dollar quote; the message names the file and the file line
     */
    public static List<LintFinding> lint(List<LintInput> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        SchemaModel schema = new SchemaModel();
        List<LintFinding> findings = new ArrayList<>();
        for (LintInput input : inputs) {
            findings.addAll(new MigrationLint(Objects.requireNonNull(input, "input"), schema).run());
        }
        return List.copyOf(findings);
    }
}
