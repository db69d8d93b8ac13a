package dev.mooring.migrate.internal.lint;

import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;
import dev.mooring.core.sql.internal.SqlLexer.TokenType;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the code tokens of one statement. The statement first goes through {@link SqlSplitter#codeOnly}, so there
 * are no comments, and every string or dollar-quoted body is the empty literal {@code ''}: nothing inside them can
 * look like a keyword. A cursor covers a range of the tokens; {@link #splitAtTopLevel(char)} and
 * {@link #parenthesized()} hand out cursors over sub-ranges that share the tokens. Words match ignoring case.
 * Not thread-safe.
 */
final class TokenCursor {
    private final TokenType[] types;
    private final String[] texts;
    private final SqlSyntax syntax;
    private final int end;
    private int pos;

    private TokenCursor(TokenType[] types, String[] texts, SqlSyntax syntax, int from, int end) {
        this.types = types;
        this.texts = texts;
        this.syntax = syntax;
        this.pos = from;
        this.end = end;
    }

    static TokenCursor of(String statement, SqlSyntax syntax) {
        SqlLexer lexer = new SqlLexer(SqlSplitter.codeOnly(statement, syntax), syntax);
        List<TokenType> types = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        TokenType type;
        while ((type = lexer.nextCode()) != null) {
            types.add(type);
            texts.add(lexer.tokenText());
        }
        return new TokenCursor(types.toArray(TokenType[]::new), texts.toArray(String[]::new), syntax, 0, types.size());
    }

    SqlSyntax syntax() {
        return syntax;
    }

    boolean atEnd() {
        return pos >= end;
    }

    void advance() {
        pos++;
    }

    /** Whether the current token is {@code word}. */
    boolean peek(String word) {
        return isWord(pos, word);
    }

    /** Whether the current token is one of {@code words}. */
    boolean peekAny(String... words) {
        for (String word : words) {
            if (isWord(pos, word)) {
                return true;
            }
        }
        return false;
    }

    boolean peekSymbol(char c) {
        return pos < end && types[pos] == TokenType.SYMBOL && texts[pos].charAt(0) == c;
    }

    /** If the next tokens are {@code words}, in order, moves past them and returns true; else moves nowhere. */
    boolean accept(String... words) {
        if (!matchesAt(pos, words)) {
            return false;
        }
        pos += words.length;
        return true;
    }

    boolean acceptSymbol(char c) {
        if (peekSymbol(c)) {
            pos++;
            return true;
        }
        return false;
    }

    /** The current token if it is an unquoted word, else {@code null}. Does not move. */
    String word() {
        return pos < end && types[pos] == TokenType.WORD ? texts[pos] : null;
    }

    /** The current token's text, or {@code null} at the end. Does not move. */
    String text() {
        return pos < end ? texts[pos] : null;
    }

    boolean atQuotedIdentifier() {
        return pos < end && types[pos] == TokenType.QUOTED_IDENTIFIER;
    }

    /** Reads a possibly qualified name ({@code a}, {@code "A"}, {@code s.t}); {@code null}, not moving, if none. */
    SqlName name() {
        if (!isName(pos)) {
            return null;
        }
        StringBuilder display = new StringBuilder(texts[pos]);
        int last = pos++;
        while (peekSymbol('.') && isName(pos + 1)) {
            display.append('.').append(texts[pos + 1]);
            last = pos + 1;
            pos += 2;
        }
        return new SqlName(display.toString(), SqlName.key(types[last], texts[last], syntax));
    }

    /** Names separated by commas, as in {@code DROP TABLE a, b}; each may be preceded by one of {@code skip}. */
    List<SqlName> nameList(String... skip) {
        List<SqlName> names = new ArrayList<>();
        do {
            while (peekAny(skip)) {
                pos++;
            }
            SqlName name = name();
            if (name == null) {
                break;
            }
            names.add(name);
            acceptSymbol('*');
        } while (acceptSymbol(','));
        return names;
    }

    /** If at {@code (}, returns a cursor over what is inside and moves past the matching {@code )}; else {@code null}. */
    TokenCursor parenthesized() {
        if (!peekSymbol('(')) {
            return null;
        }
        int open = pos;
        int depth = 0;
        for (int i = open; i < end; i++) {
            if (isSymbol(i, '(')) {
                depth++;
            } else if (isSymbol(i, ')') && --depth == 0) {
                pos = i + 1;
                return new TokenCursor(types, texts, syntax, open + 1, i);
            }
        }
        pos = end;
        return new TokenCursor(types, texts, syntax, open + 1, end);
    }

    /** The rest of this cursor cut at every {@code separator} outside parentheses. Moves to the end. */
    List<TokenCursor> splitAtTopLevel(char separator) {
        List<TokenCursor> parts = new ArrayList<>();
        int depth = 0;
        int from = pos;
        for (int i = pos; i < end; i++) {
            if (isSymbol(i, '(')) {
                depth++;
            } else if (isSymbol(i, ')')) {
                depth--;
            } else if (depth == 0 && isSymbol(i, separator)) {
                parts.add(new TokenCursor(types, texts, syntax, from, i));
                from = i + 1;
            }
        }
        parts.add(new TokenCursor(types, texts, syntax, from, end));
        pos = end;
        return parts;
    }

    /** Moves to the next {@code word} outside parentheses and returns true, or returns false without moving. */
    boolean skipToTopLevel(String word) {
        int found = findAtTopLevel(word);
        if (found >= 0) {
            pos = found;
        }
        return found >= 0;
    }

    /** Whether {@code words} occur in sequence from here on, outside parentheses. Does not move. */
    boolean containsAtTopLevel(String... words) {
        return findAtTopLevel(words) >= 0;
    }

    private int findAtTopLevel(String... words) {
        int depth = 0;
        for (int i = pos; i < end; i++) {
            if (isSymbol(i, '(')) {
                depth++;
            } else if (isSymbol(i, ')')) {
                depth--;
            } else if (depth == 0 && matchesAt(i, words)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matchesAt(int i, String... words) {
        for (int k = 0; k < words.length; k++) {
            if (!isWord(i + k, words[k])) {
                return false;
            }
        }
        return true;
    }

    /** Every name that follows the word {@code keyword} from here on, as the tables after each FROM. Does not move. */
    List<SqlName> namesAfter(String keyword) {
        List<SqlName> names = new ArrayList<>();
        int saved = pos;
        for (int i = saved; i < end; i++) {
            if (isWord(i, keyword)) {
                pos = i + 1;
                SqlName name = name();
                if (name != null) {
                    names.add(name);
                }
            }
        }
        pos = saved;
        return names;
    }

    private boolean isWord(int i, String word) {
        return i < end && types[i] == TokenType.WORD && texts[i].equalsIgnoreCase(word);
    }

    private boolean isSymbol(int i, char c) {
        return i < end && types[i] == TokenType.SYMBOL && texts[i].charAt(0) == c;
    }

    private boolean isName(int i) {
        return i < end && (types[i] == TokenType.WORD && !Character.isDigit(texts[i].charAt(0))
                || types[i] == TokenType.QUOTED_IDENTIFIER);
    }
}
