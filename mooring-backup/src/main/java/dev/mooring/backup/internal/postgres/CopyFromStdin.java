package dev.mooring.backup.internal.postgres;

import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

/**
 * Recognises {@code COPY target [(columns)] FROM stdin [options]}: the statements whose data follows them in the
 * script. Uses the core lexer so that a quoted table name holding {@code (} or the word {@code from} is still read
 * as one name. {@code COPY … FROM 'file'} and {@code COPY … TO stdout} are ordinary statements, not matched.
 *
 * <p>Thread-safe: stateless.
 */
final class CopyFromStdin {
    private CopyFromStdin() {
    }

    /**
     * The copy target as written ({@code public.t}, {@code "Odd"."Name"}, white space between parts dropped), or
     * {@code null} if {@code sql} is not a {@code COPY … FROM stdin} statement.
     */
    static String target(String sql) {
        SqlLexer lexer = SqlLexer.lenient(sql, SqlSyntax.POSTGRESQL);
        if (lexer.nextCode() == null || !lexer.isWord("copy")) {
            return null;
        }
        StringBuilder target = new StringBuilder();
        TokenType type;
        while ((type = lexer.nextCode()) != null && !lexer.isSymbol('(') && !lexer.isWord("from") && !lexer.isWord("to")) {
            if (type != TokenType.WORD && type != TokenType.QUOTED_IDENTIFIER && !lexer.isSymbol('.')) {
                return null;
            }
            target.append(lexer.tokenText());
        }
        return target.length() > 0 && readsStdin(lexer) ? target.toString() : null;
    }

    /** From the token after the target: whether {@code FROM stdin} follows, outside the column list. */
    private static boolean readsStdin(SqlLexer lexer) {
        int depth = 0;
        do {
            if (lexer.isSymbol('(')) {
                depth++;
            } else if (lexer.isSymbol(')')) {
                depth--;
            } else if (depth == 0 && lexer.isWord("to")) {
                return false;
            } else if (depth == 0 && lexer.isWord("from")) {
                return lexer.nextCode() != null && lexer.isWord("stdin");
            }
        } while (lexer.nextCode() != null);
        return false;
    }
}
