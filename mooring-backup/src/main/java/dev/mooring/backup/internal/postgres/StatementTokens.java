package dev.mooring.backup.internal.postgres;

import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One PostgreSQL statement as the server reads it: its code tokens (no white space, no comments), lexed by the core
 * lexer, so that quotes, dollar quotes, nested comments and {@code E''} strings are read as PostgreSQL reads them.
 * Offers the small look-ups a check of statement shapes needs. Immutable; thread-safe.
 */
final class StatementTokens {
    /** A code token. */
    record Token(TokenType type, String text) {
    }

    private final List<Token> tokens;
    private final boolean truncated;

    private StatementTokens(List<Token> tokens, boolean truncated) {
        this.tokens = tokens;
        this.truncated = truncated;
    }

    static StatementTokens of(String sql) {
        SqlLexer lexer = SqlLexer.lenient(sql, SqlSyntax.POSTGRESQL);
        List<Token> tokens = new ArrayList<>();
        TokenType type;
        while ((type = lexer.nextCode()) != null) {
            tokens.add(new Token(type, lexer.tokenText()));
        }
        return new StatementTokens(List.copyOf(tokens), lexer.truncated());
    }

    /** Whether a quote, comment or dollar quote runs to the end of the text unclosed. */
    boolean truncated() {
        return truncated;
    }

    int size() {
        return tokens.size();
    }

    Token get(int i) {
        return tokens.get(i);
    }

    /** Whether token {@code i} is the word {@code word}, ignoring case. */
    boolean word(int i, String word) {
        return i >= 0 && i < tokens.size() && tokens.get(i).type() == TokenType.WORD
                && tokens.get(i).text().equalsIgnoreCase(word);
    }

    /** Whether the tokens from {@code i} on are the words {@code words}, in order. */
    boolean words(int i, String... words) {
        for (int k = 0; k < words.length; k++) {
            if (!word(i + k, words[k])) {
                return false;
            }
        }
        return true;
    }

    /** Whether token {@code i} is the single character {@code c} outside quotes. */
    boolean symbol(int i, char c) {
        return i >= 0 && i < tokens.size() && tokens.get(i).type() == TokenType.SYMBOL
                && tokens.get(i).text().charAt(0) == c;
    }

    boolean is(int i, TokenType type) {
        return i >= 0 && i < tokens.size() && tokens.get(i).type() == type;
    }

    /** Whether token {@code i} is a name: an identifier-like word or a quoted identifier. */
    boolean identifier(int i) {
        if (is(i, TokenType.QUOTED_IDENTIFIER)) {
            return true;
        }
        if (!is(i, TokenType.WORD)) {
            return false;
        }
        char first = tokens.get(i).text().charAt(0);
        return first == '_' || Character.isLetter(first);
    }

    /** The name token {@code i} stands for: unquoted as written, or folded to lower case as PostgreSQL folds it. */
    String identifierName(int i) {
        Token t = tokens.get(i);
        return t.type() == TokenType.QUOTED_IDENTIFIER ? SqlLexer.unquote(t.text()) : t.text().toLowerCase(Locale.ROOT);
    }

    /**
     * The end (exclusive) of the dotted name starting at {@code i} ({@code a}, {@code a.b}, {@code "A"."b".c}), or -1
     * if none starts there.
     */
    int nameEnd(int i) {
        if (!identifier(i)) {
            return -1;
        }
        int end = i + 1;
        while (symbol(end, '.') && identifier(end + 1)) {
            end += 2;
        }
        return end;
    }

    /** The parts of the dotted name from {@code i} to {@code end}, as PostgreSQL resolves them. */
    List<String> nameParts(int i, int end) {
        List<String> parts = new ArrayList<>();
        for (int k = i; k < end; k += 2) {
            parts.add(identifierName(k));
        }
        return parts;
    }

    /** The index just past the parenthesis closing the one at {@code open}, or -1 if it never closes. */
    int afterClosing(int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (symbol(i, '(')) {
                depth++;
            } else if (symbol(i, ')') && --depth == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The first index from {@code from} on, outside parentheses opened after {@code from}, holding the word; or -1. */
    int findWord(int from, String word) {
        int depth = 0;
        for (int i = from; i < tokens.size(); i++) {
            if (symbol(i, '(')) {
                depth++;
            } else if (symbol(i, ')')) {
                depth--;
            } else if (depth == 0 && word(i, word)) {
                return i;
            }
        }
        return -1;
    }

    /** The first index from {@code from} on holding the symbol {@code c}, or -1. */
    int nextSymbol(int from, char c) {
        for (int i = from; i < tokens.size(); i++) {
            if (symbol(i, c)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether any token is the symbol {@code c}. */
    boolean contains(char c) {
        for (int i = 0; i < tokens.size(); i++) {
            if (symbol(i, c)) {
                return true;
            }
        }
        return false;
    }
}
