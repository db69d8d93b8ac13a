package dev.mooring.migrate.internal.lint;

import java.util.Locale;

/**
 * The ALTER TABLE rules: {@code drop-column}, {@code rename-table}, {@code rename-column},
 * {@code add-not-null-without-default}, {@code set-not-null}, {@code type-narrowing} and {@code type-change}. Reads
 * {@code ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, action …]} in PostgreSQL and SQLite forms, keeping the
 * schema model up to date as it goes. Stateless.
 */
final class AlterTableLint {
    private AlterTableLint() {
    }

    /** Lints the rest of an ALTER TABLE statement, {@code c} being just past {@code ALTER TABLE}. */
    static void analyze(TokenCursor c, int line, MigrationLint lint) {
        c.accept("if", "exists");
        c.accept("only");
        SqlName table = c.name();
        if (table == null) {
            return;
        }
        c.acceptSymbol('*');
        for (TokenCursor action : c.splitAtTopLevel(',')) {
            if (action.accept("drop")) {
                dropColumn(action, table, line, lint);
            } else if (action.accept("add")) {
                addColumn(action, table, line, lint);
            } else if (action.accept("alter")) {
                alterColumn(action, table, line, lint);
            } else if (action.accept("rename")) {
                rename(action, table, line, lint);
            }
        }
    }

    private static void dropColumn(TokenCursor a, SqlName table, int line, MigrationLint lint) {
        if (a.peek("constraint")) {
            return;
        }
        a.accept("column");
        a.accept("if", "exists");
        SqlName column = a.name();
        if (column != null) {
            lint.schema().dropColumn(table.key(), column.key());
            lint.report(Rule.DROP_COLUMN, line, "DROP COLUMN " + table + "." + column + " breaks clients on older versions"
                    + " that still write it; deprecate it first (make it nullable or give it a DEFAULT, stop using it)"
                    + " and drop it in a later release");
        }
    }

    private static void addColumn(TokenCursor a, SqlName table, int line, MigrationLint lint) {
        if (a.peekAny("constraint", "primary", "unique", "check", "foreign", "exclude")) {
            return;
        }
        a.accept("column");
        a.accept("if", "not", "exists");
        SqlName column = a.name();
        if (column == null) {
            return;
        }
        String declared = a.word();
        lint.schema().setColumn(table.key(), column.key(), ColumnType.read(a));
        boolean notNull = a.containsAtTopLevel("not", "null") || a.containsAtTopLevel("primary", "key");
        // serial types and generated or identity columns fill in their own values.
        boolean filled = a.containsAtTopLevel("default") || a.containsAtTopLevel("generated")
                || declared != null && declared.toLowerCase(Locale.ROOT).endsWith("serial");
        if (notNull && !filled) {
            lint.report(Rule.ADD_NOT_NULL_WITHOUT_DEFAULT, line, "ADD COLUMN " + table + "." + column + " NOT NULL without"
                    + " a DEFAULT fails on a table that has rows and rejects inserts from clients on older versions that"
                    + " do not send it; give it a DEFAULT, or add it nullable, backfill it and set NOT NULL in a later release");
        }
    }

    private static void alterColumn(TokenCursor a, SqlName table, int line, MigrationLint lint) {
        if (a.peek("constraint")) {
            return;
        }
        a.accept("column");
        SqlName column = a.name();
        if (column == null) {
            return;
        }
        if (a.accept("set", "data", "type") || a.accept("type")) {
            changeType(a, table, column, line, lint);
        } else if (a.accept("set", "not", "null")) {
            lint.report(Rule.SET_NOT_NULL, line, "SET NOT NULL on " + table + "." + column + " fails if any row holds NULL"
                    + " and rejects writes from clients on older versions that leave it empty; backfill it and give it a"
                    + " DEFAULT first, so older clients keep working");
        }
    }

    private static void changeType(TokenCursor a, SqlName table, SqlName column, int line, MigrationLint lint) {
        ColumnType to = ColumnType.read(a);
        if (to == null) {
            return;
        }
        ColumnType from = lint.schema().type(table.key(), column.key());
        lint.schema().setColumn(table.key(), column.key(), to);
        String change = "ALTER COLUMN " + table + "." + column + " TYPE " + to;
        String check = "check that every existing value, and every value clients on older versions send, fits the new type";
        if (from == null) {
            lint.report(Rule.TYPE_CHANGE, line, change + ": the column's previous type is not declared in the migrations"
                    + " linted, so Mooring could not prove the change is safe; " + check);
            return;
        }
        switch (ColumnType.change(from, to)) {
            case NARROWING -> lint.report(Rule.TYPE_NARROWING, line, change + " narrows it from " + from + ": values that"
                    + " do not fit fail the migration or lose precision, and so do writes from clients on older versions; keep "
                    + from + ", or add a new column of the new type and migrate the data to it");
            case UNPROVEN -> lint.report(Rule.TYPE_CHANGE, line, change + " changes it from " + from + ", and Mooring could"
                    + " not prove the change is safe; " + check);
            case SAFE -> {
                // Widening keeps every value and accepts everything older clients send.
            }
        }
    }

    private static void rename(TokenCursor a, SqlName table, int line, MigrationLint lint) {
        if (a.accept("to")) {
            SqlName to = a.name();
            if (to != null) {
                lint.renamedTable(table, to, line);
            }
            return;
        }
        if (a.peek("constraint")) {
            return;
        }
        a.accept("column");
        SqlName from = a.name();
        if (from == null || !a.accept("to")) {
            return;
        }
        SqlName to = a.name();
        if (to != null) {
            lint.schema().renameColumn(table.key(), from.key(), to.key());
            lint.report(Rule.RENAME_COLUMN, line, "RENAME COLUMN " + table + "." + from + " TO " + to + " breaks clients on"
                    + " older versions that still read and write " + from + "; add " + to + " as a new column, keep both in"
                    + " step during a transition release, and drop " + from + " in a later one");
        }
    }
}
