package dev.mooring.migrate.internal.schema;

import dev.mooring.migrate.internal.schema.SqliteSqlText.Token;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a SQLite {@code CREATE TABLE} statement says that SQLite's pragmas do not report: CHECK constraints,
 * column collations, the expressions of generated columns and AUTOINCREMENT. Expressions are in canonical
 * spelling ({@link SqliteSqlText}), names in lower case. Immutable.
 *
 * @param columns       collation and generation expression by lower-case column name
 * @param checks        the CHECK constraints, in the order written
 * @param autoincrement whether the primary key is declared AUTOINCREMENT
 */
record SqliteTableDefinition(Map<String, Column> columns, List<Check> checks, boolean autoincrement) {
    private static final Set<String> TABLE_CONSTRAINT_STARTS = Set.of("constraint", "primary", "unique", "check", "foreign");

    /** What the statement says about one column beyond its pragma row; {@code null} where it says nothing. */
    record Column(String collation, String generatedExpression) {
    }

    /**
     * A CHECK constraint: the name given with {@code CONSTRAINT} or {@code null}, the column it is written on or
     * {@code null} for a table constraint, and its canonical expression without the surrounding parentheses.
     */
    record Check(String name, String column, String expression) {
    }

    SqliteTableDefinition {
        columns = Map.copyOf(columns);
        checks = List.copyOf(checks);
    }

    /** Parses {@code createTable}, the {@code sql} of a table in {@code sqlite_master}. */
    static SqliteTableDefinition parse(String createTable) {
        List<Token> tokens = SqliteSqlText.tokenize(createTable);
        int open = 0;
        while (open < tokens.size() && !tokens.get(open).is("(")) {
            open++;
        }
        if (open == tokens.size()) {
            // CREATE TABLE … AS SELECT: no column definitions to read.
            return new SqliteTableDefinition(Map.of(), List.of(), false);
        }
        int close = SqliteSqlText.closingParenthesis(tokens, open);
        Parser parser = new Parser();
        int start = open + 1;
        int depth = 0;
        for (int i = start; i < close; i++) {
            Token t = tokens.get(i);
            if (t.is("(")) {
                depth++;
            } else if (t.is(")")) {
                depth--;
            } else if (t.is(",") && depth == 0) {
                parser.item(tokens.subList(start, i));
                start = i + 1;
            }
        }
        parser.item(tokens.subList(start, close));
        return new SqliteTableDefinition(parser.columns, parser.checks, parser.autoincrement);
    }

    /** The state of one parse. */
    private static final class Parser {
        private final Map<String, Column> columns = new HashMap<>();
        private final List<Check> checks = new ArrayList<>();
        private boolean autoincrement;

        void item(List<Token> item) {
            if (item.isEmpty()) {
                return;
            }
            Token first = item.get(0);
            boolean tableConstraint = first.type() == SqliteSqlText.TokenType.WORD
                    && TABLE_CONSTRAINT_STARTS.contains(first.text().toLowerCase(Locale.ROOT));
            String column = tableConstraint ? null : name(first);
            String collation = null;
            String generated = null;
            int namedAt = -1;
            String constraintName = null;
            for (int i = tableConstraint ? 0 : 1; i < item.size(); i++) {
                Token t = item.get(i);
                boolean followedByParenthesis = i + 1 < item.size() && item.get(i + 1).is("(");
                if (t.isWord("constraint") && i + 1 < item.size()) {
                    constraintName = name(item.get(++i));
                    namedAt = i;
                } else if (t.isWord("check") && followedByParenthesis) {
                    int end = SqliteSqlText.closingParenthesis(item, i + 1);
                    // CONSTRAINT names only the constraint that follows it directly.
                    String given = namedAt == i - 1 ? constraintName : null;
                    checks.add(new Check(given, column, SqliteSqlText.render(item.subList(i + 2, end))));
                    i = end;
                } else if (t.isWord("as") && followedByParenthesis && column != null) {
                    int end = SqliteSqlText.closingParenthesis(item, i + 1);
                    generated = SqliteSqlText.render(item.subList(i + 2, end));
                    i = end;
                } else if (t.isWord("collate") && i + 1 < item.size() && column != null) {
                    collation = name(item.get(++i));
                } else if (t.isWord("autoincrement")) {
                    autoincrement = true;
                } else if (t.is("(")) {
                    // A type's size, a DEFAULT expression, REFERENCES columns: nothing to read inside.
                    i = SqliteSqlText.closingParenthesis(item, i);
                }
            }
            if (column != null) {
                columns.put(column, new Column(collation, generated));
            }
        }

        private static String name(Token token) {
            return token.text().toLowerCase(Locale.ROOT);
        }
    }
}
