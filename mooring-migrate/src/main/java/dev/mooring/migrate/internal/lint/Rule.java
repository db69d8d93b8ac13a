package dev.mooring.migrate.internal.lint;

import dev.mooring.migrate.LintFinding.Severity;

/**
 * The lint rules, with their stable ids. ERROR marks changes that break clients on older versions (they keep
 * reading and writing the old shape until they upgrade, which for offline clients can be weeks) or that lose
 * data; WARNING marks changes that are often intended or could not be judged.
 */
enum Rule {
    DROP_TABLE("drop-table", Severity.ERROR),
    DROP_COLUMN("drop-column", Severity.ERROR),
    RENAME_TABLE("rename-table", Severity.ERROR),
    RENAME_COLUMN("rename-column", Severity.ERROR),
    ADD_NOT_NULL_WITHOUT_DEFAULT("add-not-null-without-default", Severity.ERROR),
    SET_NOT_NULL("set-not-null", Severity.WARNING),
    TYPE_NARROWING("type-narrowing", Severity.ERROR),
    TYPE_CHANGE("type-change", Severity.WARNING),
    TRUNCATE("truncate", Severity.WARNING),
    DELETE_WITHOUT_WHERE("delete-without-where", Severity.WARNING),
    TABLE_REBUILD("table-rebuild", Severity.WARNING);

    private final String id;
    private final Severity severity;

    Rule(String id, Severity severity) {
        this.id = id;
        this.severity = severity;
    }

    String id() {
        return id;
    }

    Severity severity() {
        return severity;
    }
}
