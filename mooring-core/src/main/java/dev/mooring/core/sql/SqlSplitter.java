package dev.mooring.core.sql;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits SQL scripts into statements, and strips statements down to their code for keyword searches. Both
 * read the text in one pass with the same lexer, so they agree on what is a string, a comment or a name.
 *
 * <p>Lexical rules, per {@link SqlSyntax}: {@code 'strings'} and {@code "identifiers"} with doubled quotes,
 * {@code --} and {@code /* *}{@code /} comments everywhere; in PostgreSQL also nested block comments,
 * {@code E'…'} strings with backslash escapes, {@code U&'…'} strings and {@code $$…$$} / {@code $tag$…$tag$}
 * dollar quoting; in SQLite also {@code [bracketed]} and {@code `backtick`} identifiers. Semicolons inside any
 * of these never split. Beyond that, statements with bodies split as in each database's own shell: see
 * {@link #split(String, SqlSyntax)}.
 *
 * <p>Not supported: psql meta-commands ({@code \connect}, {@code \copy}), inline {@code COPY … FROM stdin} data,
 * and PostgreSQL with {@code standard_conforming_strings} off (where plain strings take backslash escapes).
 *
 * <p>Thread-safe: stateless; every call uses its own lexer.
 */
public final class SqlSplitter {
    private SqlSplitter() {
    }

    /**
     * Splits {@code script} into its statements, in order, following {@code syntax}'s lexical rules.
     *
     * <ul>
     *   <li>A statement ends at a {@code ;} outside quotes, comments and dollar quotes. A last statement without
     *       {@code ;} is returned too.</li>
     *   <li>A statement's {@link SqlStatement#sql() sql} runs from its first to its last token that is neither
     *       whitespace nor a comment, without the {@code ;}. Comments in between are kept verbatim; comments before
     *       the first token (or after the last) belong to no statement and are not returned, so that
     *       {@link SqlStatement#line() line} — the 1-based line of the statement's first character — points at
     *       SQL rather than at prose. (A consequence: a leading optimizer-hint comment is not sent.)</li>
     *   <li>Statements with no code — {@code ;;}, or only comments — are dropped.</li>
     *   <li>PostgreSQL, as psql: semicolons inside parentheses do not split, nor do those inside a
     *       {@code BEGIN ATOMIC … END} body of {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}.</li>
     *   <li>SQLite, as {@code sqlite3_complete()}: a {@code CREATE [TEMP|TEMPORARY] TRIGGER} statement ends at the
     *       {@code ;} following its final {@code ; END}; semicolons and {@code CASE … END} in its body do not end
     *       it. Keywords are whole words in any case: {@code begin_date} or {@code backend} are not keywords.</li>
     * </ul>
     *
     * @throws MooringException with {@link ErrorCode#INVALID_MIGRATION} if a quote, block comment or dollar quote
     *                          is still open at the end of the script; the message names it and its first line
     */
    public static List<SqlStatement> split(String script, SqlSyntax syntax) {
        return split(script, syntax, 1);
    }

    /**
     * As {@link #split(String, SqlSyntax)}, for a script cut from a file at line {@code firstLine}: statement lines
     * and error messages count lines of the file.
     */
    public static List<SqlStatement> split(String script, SqlSyntax syntax, int firstLine) {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(syntax, "syntax");
        if (firstLine < 1) {
            throw new IllegalArgumentException("firstLine must be >= 1, was " + firstLine);
        }
        SqlLexer lexer = new SqlLexer(script, syntax, firstLine);
        List<SqlStatement> statements = new ArrayList<>();
        walk(lexer, syntax, (first, last) -> statements.add(new SqlStatement(script.substring(first, last), lexer.lineAt(first))));
        return statements;
    }

    /**
     * Whether {@code text} stops at the end of a statement, as {@link #split(String, SqlSyntax)} would see it:
     * its last statement ended with a semicolon that ends statements (not one inside parentheses or a
     * {@code BEGIN ATOMIC} body), and no quote, block comment or dollar quote is open. White space and closed
     * comments after that semicolon are allowed; text with no code at all counts as ended. Never throws for
     * unterminated constructs: they simply mean "not ended".
     *
     * <p>For readers that take a script line by line and must know when the lines read so far can be split and
     * run, such as a restore streaming a dump too large to hold in memory.
     */
    public static boolean endsStatement(String text, SqlSyntax syntax) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(syntax, "syntax");
        SqlLexer lexer = SqlLexer.lenient(text, syntax);
        boolean open = walk(lexer, syntax, (first, last) -> { });
        return !open && !lexer.truncated();
    }

    /** Receives the code range [first, last) of each statement. */
    private interface StatementSink {
        void statement(int first, int last);
    }

    /**
     * Reads all of {@code lexer}'s text and hands each statement's code range to {@code sink}, the last one
     * even without its semicolon. Returns whether that last one had none: the text ends inside a statement.
     */
    private static boolean walk(SqlLexer lexer, SqlSyntax syntax, StatementSink sink) {
        StatementBoundary boundary = new StatementBoundary(syntax);
        int first = -1;
        int last = -1;
        while (lexer.nextCode() != null) {
            if (lexer.isSymbol(';')) {
                if (first < 0) {
                    continue;
                }
                if (boundary.semicolonEnds()) {
                    sink.statement(first, last);
                    boundary.reset();
                    first = -1;
                    continue;
                }
            } else {
                boundary.accept(lexer);
            }
            if (first < 0) {
                first = lexer.start();
            }
            last = lexer.end();
        }
        if (first >= 0) {
            sink.statement(first, last);
            return true;
        }
        return false;
    }

    /**
     * Returns {@code statement} reduced to its code, for keyword searches that must not match inside strings,
     * comments or function bodies: each comment becomes a space, each string literal and dollar-quoted body
     * becomes the empty literal {@code ''}, quoted identifiers are kept as written (they are names), and every run
     * of whitespace and comments collapses to one space. The result is trimmed. Works on whole scripts too.
     *
     * <p>Example: {@code CREATE FUNCTION f() AS $$ DROP TABLE t; $$ -- drop?} becomes
     * {@code CREATE FUNCTION f() AS ''}.
     *
     * @throws MooringException with {@link ErrorCode#INVALID_MIGRATION} on an unterminated construct, as
     *                          {@link #split(String, SqlSyntax)}; lines count from the start of {@code statement}
     */
    public static String codeOnly(String statement, SqlSyntax syntax) {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(syntax, "syntax");
        SqlLexer lexer = new SqlLexer(statement, syntax);
        StringBuilder code = new StringBuilder(statement.length());
        boolean space = false;
        TokenType type;
        while ((type = lexer.next()) != null) {
            if (lexer.isTrivia()) {
                // A comment must still separate tokens: "a/**/b" is two words, "-/**/-" is not a comment.
                space = true;
                continue;
            }
            if (space && code.length() > 0) {
                code.append(' ');
            }
            space = false;
            if (type == TokenType.STRING || type == TokenType.DOLLAR_STRING) {
                code.append("''");
            } else {
                code.append(statement, lexer.start(), lexer.end());
            }
        }
        return code.toString();
    }
}
