package dev.mooring.backup.internal.postgres;

import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the parts of {@link TableDefinitions}' statements the allow-list must understand: the columns a
 * {@code CREATE TABLE} stores, which every {@code COPY} of the table must list (a column left out would be filled by
 * its default, an expression the restore would run), and a partition bound, which holds only constants. Stateless.
 */
final class TableClauses {
    // Reserved words that open a table constraint; as column names they would be quoted.
    private static final Set<String> CONSTRAINT_WORDS = Set.of("check", "unique", "primary", "foreign", "like");
    private static final Set<String> BOUND_WORDS = Set.of("in", "from", "to", "with");

    private TableClauses() {
    }

    /**
     * The stored columns of the element list from {@code open} (its parenthesis) to {@code close} (just past its end),
     * in order: every column but the generated ones. Named constraints are skipped; table constraints of any other
     * form are not what the engine writes.
     */
    static List<String> storedColumns(StatementTokens t, int open, int close) {
        if (close < 0) {
            throw new NotOwnStatement("a parenthesis is never closed");
        }
        List<String> columns = new ArrayList<>();
        int start = open + 1;
        int depth = 0;
        for (int i = open + 1; i < close; i++) {
            boolean last = i == close - 1;
            if (t.symbol(i, '(')) {
                depth++;
            } else if (t.symbol(i, ')') && !last) {
                depth--;
            } else if (depth == 0 && (t.symbol(i, ',') || last)) {
                element(t, start, i, columns);
                start = i + 1;
            }
        }
        return columns;
    }

    private static void element(StatementTokens t, int from, int to, List<String> columns) {
        if (from == to || t.word(from, "constraint")) {
            return;
        }
        String first = t.get(from).text().toLowerCase(Locale.ROOT);
        boolean exclusion = t.word(from, "exclude") && (t.word(from + 1, "using") || t.symbol(from + 1, '('));
        boolean constraint = t.is(from, TokenType.WORD) && CONSTRAINT_WORDS.contains(first);
        if (!t.identifier(from) || constraint || exclusion) {
            throw new NotOwnStatement("Mooring writes a table's columns and named CHECK constraints, not " + first);
        }
        int depth = 0;
        for (int i = from + 1; i < to; i++) {
            if (t.symbol(i, '(')) {
                depth++;
            } else if (t.symbol(i, ')')) {
                depth--;
            } else if (depth == 0 && t.words(i, "generated", "always", "as") && t.symbol(i + 3, '(')) {
                return; // computed on restore, never copied
            }
        }
        columns.add(t.identifierName(from));
    }

    /** Checks the bound of an {@code ATTACH PARTITION} starting at {@code from}: constants, no function calls. */
    static void checkBound(StatementTokens t, int from) {
        if (t.word(from, "default") && t.size() == from + 1) {
            return;
        }
        if (!t.words(from, "for", "values")) {
            throw new NotOwnStatement("a partition is attached FOR VALUES … or as DEFAULT");
        }
        for (int i = from + 2; i < t.size(); i++) {
            if (t.symbol(i, '(') && t.is(i - 1, TokenType.WORD)
                    && !BOUND_WORDS.contains(t.get(i - 1).text().toLowerCase(Locale.ROOT))) {
                throw new NotOwnStatement("a partition bound holds constants only, never a call of "
                        + t.get(i - 1).text());
            }
            if (t.symbol(i, ';')) {
                throw new NotOwnStatement("the statement goes on where Mooring's ends");
            }
        }
    }
}
