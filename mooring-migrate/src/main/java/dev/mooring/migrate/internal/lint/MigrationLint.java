package dev.mooring.migrate.internal.lint;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.migrate.LintFinding;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lints one migration: checks each statement in order, updating the shared {@link SchemaModel}, then replaces
 * the findings of a table rebuild with one {@code table-rebuild} finding. A rebuild is the idiom SQLite needs for
 * any change ALTER TABLE cannot make, done within one migration in either of two orders:
 * {@code CREATE TABLE new; INSERT INTO new … FROM old; DROP TABLE old; ALTER TABLE new RENAME TO old}, or
 * {@code ALTER TABLE old RENAME TO tmp; CREATE TABLE old; INSERT INTO old … FROM tmp; DROP TABLE tmp}.
 * Both are: a rename X→Y, a created X, a copy X←Y and a dropped Y. Not thread-safe; one instance per migration.
 */
final class MigrationLint {
    private record Drop(int index, SqlName table, Map<String, ColumnType> oldColumns) {
    }

    private record Rename(int index, SqlName from, SqlName to) {
    }

    private final LintInput input;
    private final SchemaModel schema;
    private final List<LintFinding> findings = new ArrayList<>();
    // What this migration did to tables, to recognise a rebuild once the whole migration is read.
    private final Map<String, Map<String, ColumnType>> created = new HashMap<>();
    private final Set<String> copies = new HashSet<>();
    private final Map<String, Drop> drops = new HashMap<>();
    private final List<Rename> renames = new ArrayList<>();

    MigrationLint(LintInput input, SchemaModel schema) {
        this.input = input;
        this.schema = schema;
    }

    List<LintFinding> run() {
        for (SqlStatement statement : statements()) {
            analyze(TokenCursor.of(statement.sql(), input.syntax()), statement.line());
        }
        return resolveRebuilds();
    }

    private List<SqlStatement> statements() {
        try {
            return SqlSplitter.split(input.upSql(), input.syntax(), input.firstLine());
        } catch (MooringException e) {
            throw new MooringException(ErrorCode.INVALID_MIGRATION, input.script() + ": " + e.getMessage(), e);
        }
    }

    private void analyze(TokenCursor c, int line) {
        if (c.accept("drop", "table")) {
            dropTables(c, line);
        } else if (c.accept("alter", "table")) {
            AlterTableLint.analyze(c, line, this);
        } else if (c.accept("create")) {
            createTable(c);
        } else if (c.accept("truncate")) {
            truncate(c, line);
        } else if (c.peekAny("delete", "with")) {
            delete(c, line);
        } else if (c.peekAny("insert", "replace")) {
            insert(c);
        }
    }

    SchemaModel schema() {
        return schema;
    }

    /** Adds a finding for the current migration; returns its index among this migration's findings. */
    int report(Rule rule, int line, String message) {
        findings.add(new LintFinding(rule.id(), rule.severity(), input.script(), input.version(), line, message));
        return findings.size() - 1;
    }

    void renamedTable(SqlName from, SqlName to, int line) {
        schema.renameTable(from.key(), to.key());
        int index = report(Rule.RENAME_TABLE, line, "ALTER TABLE " + from + " RENAME TO " + to + " breaks clients on older"
                + " versions that still read and write " + from + "; create " + to + " alongside it, have a transition"
                + " release write both, and drop " + from + " in a later release");
        renames.add(new Rename(index, from, to));
    }

    private void dropTables(TokenCursor c, int line) {
        c.accept("if", "exists");
        for (SqlName table : c.nameList()) {
            Map<String, ColumnType> old = schema.columnsIfComplete(table.key());
            schema.forgetTable(table.key());
            int index = report(Rule.DROP_TABLE, line, "DROP TABLE " + table + " deletes the table and its data, and clients"
                    + " on older versions that still sync it will fail; stop using it in one release and drop it in a"
                    + " later one, once every client has upgraded");
            drops.put(table.key(), new Drop(index, table, old));
        }
    }

    private void createTable(TokenCursor c) {
        while (c.peekAny("global", "local", "temp", "temporary", "unlogged")) {
            c.advance();
        }
        if (!c.accept("table")) {
            return;
        }
        c.accept("if", "not", "exists");
        SqlName table = c.name();
        if (table == null) {
            return;
        }
        TokenCursor body = c.parenthesized();
        if (body == null) {
            // CREATE TABLE … AS SELECT, PARTITION OF, OF type: the columns are not spelled out.
            schema.forgetTable(table.key());
            created.put(table.key(), null);
            return;
        }
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (TokenCursor element : body.splitAtTopLevel(',')) {
            if (element.peekAny("constraint", "primary", "unique", "check", "foreign", "exclude", "like")) {
                continue;
            }
            SqlName column = element.name();
            if (column != null) {
                columns.put(column.key(), ColumnType.read(element));
            }
        }
        schema.createTable(table.key(), columns);
        created.put(table.key(), columns);
    }

    private void truncate(TokenCursor c, int line) {
        c.accept("table");
        List<SqlName> tables = c.nameList("only");
        if (!tables.isEmpty()) {
            String names = tables.stream().map(SqlName::display).collect(Collectors.joining(", "));
            report(Rule.TRUNCATE, line, "TRUNCATE " + names + " deletes every row without firing row triggers, so sync"
                    + " change capture never records the deletes and clients keep their copies; delete the rows you mean"
                    + " to remove with DELETE … WHERE");
        }
    }

    private void delete(TokenCursor c, int line) {
        if (!c.skipToTopLevel("delete")) {
            return;
        }
        c.accept("delete");
        c.accept("from");
        c.accept("only");
        SqlName table = c.name();
        if (table != null && !c.containsAtTopLevel("where")) {
            report(Rule.DELETE_WITHOUT_WHERE, line, "DELETE FROM " + table + " has no WHERE clause and deletes every row;"
                    + " add a WHERE clause that names the rows to remove");
        }
    }

    private void insert(TokenCursor c) {
        if (!c.skipToTopLevel("into")) {
            return;
        }
        c.accept("into");
        SqlName target = c.name();
        if (target != null) {
            for (SqlName source : c.namesAfter("from")) {
                copies.add(target.key() + '\0' + source.key());
            }
        }
    }

    private List<LintFinding> resolveRebuilds() {
        Map<Integer, LintFinding> replaced = new HashMap<>();
        for (Rename rename : renames) {
            String x = rename.from().key();
            String y = rename.to().key();
            Drop drop = drops.get(y);
            if (drop == null || !created.containsKey(x) || !copies.contains(x + '\0' + y)) {
                continue;
            }
            boolean renamedLast = rename.index() > drop.index();
            String steps = renamedLast
                    ? "CREATE TABLE " + rename.from() + ", copy from " + drop.table() + ", DROP TABLE " + drop.table() + ", RENAME "
                    + rename.from() + " TO " + rename.to()
                    : "RENAME " + rename.from() + " TO " + rename.to() + ", CREATE TABLE " + rename.from() + ", copy from "
                    + rename.to() + ", DROP TABLE " + drop.table();
            SqlName table = renamedLast ? rename.to() : rename.from();
            LintFinding dropFinding = findings.get(drop.index());
            replaced.put(rename.index(), null);
            replaced.put(drop.index(), new LintFinding(Rule.TABLE_REBUILD.id(), Rule.TABLE_REBUILD.severity(),
                    dropFinding.script(), dropFinding.version(), dropFinding.line(), "Table " + table + " is rebuilt ("
                    + steps + "); check that no column was dropped or narrowed, since clients on older versions still"
                    + " read and write every old column." + differences(drop.oldColumns(), created.get(x))));
        }
        List<LintFinding> result = new ArrayList<>(findings.size());
        for (int i = 0; i < findings.size(); i++) {
            LintFinding finding = replaced.containsKey(i) ? replaced.get(i) : findings.get(i);
            if (finding != null) {
                result.add(finding);
            }
        }
        return result;
    }

    /** What Mooring can tell about the rebuild when it knows both column lists. */
    private static String differences(Map<String, ColumnType> before, Map<String, ColumnType> after) {
        if (before == null || after == null) {
            return "";
        }
        List<String> dropped = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        before.forEach((column, type) -> {
            if (!after.containsKey(column)) {
                dropped.add(column);
            } else if (type != null && after.get(column) != null && ColumnType.change(type, after.get(column)) != ColumnType.Change.SAFE) {
                changed.add(column + " (" + type + " to " + after.get(column) + ")");
            }
        });
        if (dropped.isEmpty() && changed.isEmpty()) {
            return " Every old column is still there with a compatible type.";
        }
        return (dropped.isEmpty() ? "" : " Dropped: " + String.join(", ", dropped) + ".")
                + (changed.isEmpty() ? "" : " Changed: " + String.join(", ", changed) + ".");
    }
}
