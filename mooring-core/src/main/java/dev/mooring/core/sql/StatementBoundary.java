package dev.mooring.core.sql;

import dev.mooring.core.sql.internal.SqlLexer;

/**
 * Decides whether a top-level semicolon ends the current statement. Most statements end at their first one;
 * two kinds hold semicolons in a body, and each syntax recognises them the way its own shell does, so a script
 * splits here exactly as it would in {@code psql} or {@code sqlite3}:
 * <ul>
 *   <li>PostgreSQL, like psql: semicolons inside parentheses do not split ({@code CREATE RULE … DO (…; …)}), and
 *       in {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE} a {@code BEGIN ATOMIC … END} body holds semicolons,
 *       with {@code CASE … END} nesting inside it.</li>
 *   <li>SQLite, like {@code sqlite3_complete()}: a {@code CREATE [TEMP|TEMPORARY] TRIGGER} statement ends only at
 *       the {@code ;} of a {@code ; END ;} sequence. {@code CASE … END} in the body is never preceded by a
 *       semicolon, and neither is a column SQLite lets you name {@code end}, so neither ends the trigger.</li>
 * </ul>
 * Keywords are matched as whole words, ignoring case. Not thread-safe; one instance per split.
 */
final class StatementBoundary {
    private enum Kind { UNDECIDED, PLAIN, ROUTINE, TRIGGER }

    // sqlite3_complete()'s trigger states: inside the body, just after a ';', just after '; END'.
    private enum TriggerState { BODY, SEMI, END }

    private final boolean postgres;
    private Kind kind;
    private int prefixWords;
    private int parenDepth;
    private int beginDepth;
    private TriggerState triggerState;

    StatementBoundary(SqlSyntax syntax) {
        this.postgres = syntax == SqlSyntax.POSTGRESQL;
        reset();
    }

    /** Starts a new statement. */
    void reset() {
        kind = Kind.UNDECIDED;
        prefixWords = 0;
        parenDepth = 0;
        beginDepth = 0;
        triggerState = TriggerState.BODY;
    }

    /** Takes in a code token (not whitespace, not a comment, not a semicolon) of the current statement. */
    void accept(SqlLexer lexer) {
        if (kind == Kind.UNDECIDED) {
            classify(lexer);
        }
        if (postgres) {
            if (lexer.isSymbol('(')) {
                parenDepth++;
            } else if (lexer.isSymbol(')')) {
                parenDepth = Math.max(0, parenDepth - 1);
            } else if (kind == Kind.ROUTINE && parenDepth == 0) {
                trackBeginEnd(lexer);
            }
        } else if (kind == Kind.TRIGGER) {
            triggerState = triggerState == TriggerState.SEMI && lexer.isWord("end") ? TriggerState.END : TriggerState.BODY;
        }
    }

    /** Called at a top-level semicolon: whether it ends the statement. If not, it becomes part of the statement. */
    boolean semicolonEnds() {
        if (kind == Kind.TRIGGER) {
            if (triggerState == TriggerState.END) {
                return true;
            }
            triggerState = TriggerState.SEMI;
            return false;
        }
        return parenDepth == 0 && beginDepth == 0;
    }

    private void trackBeginEnd(SqlLexer lexer) {
        if (lexer.isWord("begin")) {
            beginDepth++;
        } else if (lexer.isWord("case")) {
            // CASE … END only matters once inside BEGIN; before it, an END could not close anything.
            if (beginDepth > 0) {
                beginDepth++;
            }
        } else if (lexer.isWord("end") && beginDepth > 0) {
            beginDepth--;
        }
    }

    /** Reads the statement's leading words until they show what kind of statement it is. */
    private void classify(SqlLexer lexer) {
        int word = prefixWords++;
        if (word == 0) {
            kind = lexer.isWord("create") ? Kind.UNDECIDED : Kind.PLAIN;
        } else if (postgres) {
            if (isAny(lexer, "function", "procedure") && (word == 1 || word == 3)) {
                kind = Kind.ROUTINE;
            } else if (!(word == 1 && lexer.isWord("or") || word == 2 && lexer.isWord("replace"))) {
                kind = Kind.PLAIN;
            }
        } else if (lexer.isWord("trigger") && (word == 1 || word == 2)) {
            kind = Kind.TRIGGER;
        } else if (!(word == 1 && isAny(lexer, "temp", "temporary"))) {
            kind = Kind.PLAIN;
        }
    }

    private static boolean isAny(SqlLexer lexer, String a, String b) {
        return lexer.isWord(a) || lexer.isWord(b);
    }
}
