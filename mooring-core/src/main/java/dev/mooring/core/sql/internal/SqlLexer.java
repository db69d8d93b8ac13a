package dev.mooring.core.sql.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSyntax;

import java.util.Objects;

/**
 * The one tokenizer behind statement splitting and lint. It knows only what decides where constructs begin
 * and end — quotes, comments, dollar quoting, words — not SQL grammar. Every character of the text belongs
 * to exactly one token, so the tokens' offsets tile the text.
 *
 * <p>Use: {@code while ((type = lexer.next()) != null) { … lexer.start() … lexer.end() … }}. One pass, no
 * backtracking, no allocation per token (a dollar-quote delimiter is the one exception).
 *
 * <p>Lexical rules per {@link SqlSyntax}:
 * <ul>
 *   <li>both: {@code 'string'} and {@code "identifier"} with doubled quotes inside, {@code --} comments to the
 *       end of the line, {@code /* *}{@code /} comments;</li>
 *   <li>PostgreSQL: block comments nest; {@code E'…'} strings take backslash escapes; {@code U&'…'} and
 *       {@code U&"…"} are one token; {@code $$…$$} and {@code $tag$…$tag$} are strings ({@code $1} is not);
 *       plain strings take no backslash escapes ({@code standard_conforming_strings}, on since 9.1);</li>
 *   <li>SQLite: block comments do not nest; {@code [identifier]} and {@code `identifier`} quote names.</li>
 * </ul>
 * An unterminated quote, comment or dollar quote throws {@link MooringException} with
 * {@link ErrorCode#INVALID_MIGRATION}, naming the construct and the line it starts on; a {@link #lenient} lexer
 * lets it run to the end of the text instead.
 *
 * <p>Not part of Mooring's API (this is an {@code internal} package). Not thread-safe: one instance per text,
 * used by one thread; instances are cheap.
 */
public final class SqlLexer {

    /** What a token is. */
    public enum TokenType {
        /** A keyword, unquoted name or number: letters, digits, {@code _}, {@code $} and non-ASCII characters. */
        WORD,
        /** {@code "name"}, {@code U&"name"}, and in SQLite {@code [name]} and {@code `name`}, quotes included. */
        QUOTED_IDENTIFIER,
        /** {@code 'text'}, {@code E'text'}, {@code U&'text'}, quotes and prefix included. */
        STRING,
        /** {@code $tag$body$tag$}, delimiters included. PostgreSQL only. */
        DOLLAR_STRING,
        /** {@code -- …} up to, not including, the line break. */
        LINE_COMMENT,
        /** {@code /* … *}{@code /}, nested ones included. */
        BLOCK_COMMENT,
        /** A run of spaces, tabs, line breaks and other control characters. */
        WHITESPACE,
        /** Any other single character: {@code ; ( ) , . = …}. */
        SYMBOL
    }

    // ASCII characters that continue a word; every character >= 0x80 does too, as in both databases' lexers.
    private static final boolean[] WORD_CHAR = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            WORD_CHAR[c] = true;
            WORD_CHAR[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            WORD_CHAR[c] = true;
        }
        WORD_CHAR['_'] = true;
        WORD_CHAR['$'] = true;
    }

    private final String text;
    private final int length;
    private final boolean postgres;
    private int start;
    private int pos;
    private TokenType type;
    // Line counting is incremental so that callers asking for lines in increasing order pay O(n) in total.
    private int lineCursor;
    private int lineAtCursor;
    private final int firstLine;
    private final boolean lenient;
    private boolean truncated;

    public SqlLexer(String text, SqlSyntax syntax) {
        this(text, syntax, 1);
    }

    /** A lexer whose line numbers start at {@code firstLine} (for text cut from a larger file). */
    public SqlLexer(String text, SqlSyntax syntax, int firstLine) {
        this(text, syntax, firstLine, false);
    }

    private SqlLexer(String text, SqlSyntax syntax, int firstLine, boolean lenient) {
        this.firstLine = firstLine;
        this.lineAtCursor = firstLine;
        this.text = Objects.requireNonNull(text, "text");
        this.length = text.length();
        this.postgres = Objects.requireNonNull(syntax, "syntax") == SqlSyntax.POSTGRESQL;
        this.lenient = lenient;
    }

    /**
     * A lexer that never throws: an unterminated quote, comment or dollar quote is one token running to the end of
     * the text. For text that has to be read whatever it holds, such as SQL a database has already stored.
     */
    public static SqlLexer lenient(String text, SqlSyntax syntax) {
        return new SqlLexer(text, syntax, 1, true);
    }

    /**
     * Whether this {@link #lenient} lexer has run a quote, comment or dollar quote to the end of the text because
     * nothing closed it: the text stops in the middle of a construct. Always false for a strict lexer, which throws.
     */
    public boolean truncated() {
        return truncated;
    }

    /**
     * The name a {@link TokenType#QUOTED_IDENTIFIER} token stands for: the quotes and any {@code U&} prefix
     * removed, doubled quotes made single ({@code "a""b"} is {@code a"b}). {@code U&} escapes are not decoded. A
     * token a {@link #lenient} lexer ran to the end of the text has no closing quote to remove.
     */
    public static String unquote(String quotedIdentifier) {
        int from = quotedIdentifier.startsWith("U&") || quotedIdentifier.startsWith("u&") ? 3 : 1;
        char open = quotedIdentifier.charAt(from - 1);
        char close = open == '[' ? ']' : open;
        int end = quotedIdentifier.length();
        int quotes = 0;
        while (end - quotes > from && quotedIdentifier.charAt(end - 1 - quotes) == close) {
            quotes++;
        }
        // Inside, quotes come in pairs, so only a closed token ends in an odd run of them.
        String name = quotedIdentifier.substring(from, quotes % 2 == 1 ? end - 1 : end);
        return open == '[' ? name : name.replace(String.valueOf(open).repeat(2), String.valueOf(open));
    }

    /** Advances to the next token and returns its type, or {@code null} at the end of the text. */
    public TokenType next() {
        start = pos;
        if (pos >= length) {
            type = null;
            return null;
        }
        type = scan(text.charAt(pos));
        return type;
    }

    /** Like {@link #next()}, but skips white space and comments: the next token the database reads. */
    public TokenType nextCode() {
        TokenType next;
        do {
            next = next();
        } while (isTrivia());
        return next;
    }

    /** The current token's type; {@code null} before the first and after the last token. */
    public TokenType type() {
        return type;
    }

    /** Offset of the current token's first character. */
    public int start() {
        return start;
    }

    /** Offset just past the current token's last character. */
    public int end() {
        return pos;
    }

    /** The current token's text. Allocates; prefer {@link #isWord(String)} and {@link #isSymbol(char)}. */
    public String tokenText() {
        return text.substring(start, pos);
    }

    /** Whether the current token is the word {@code keyword}, ignoring case. */
    public boolean isWord(String keyword) {
        return type == TokenType.WORD && pos - start == keyword.length()
                && text.regionMatches(true, start, keyword, 0, keyword.length());
    }

    /** Whether the current token is the single character {@code c} outside any quote or comment. */
    public boolean isSymbol(char c) {
        return type == TokenType.SYMBOL && text.charAt(start) == c;
    }

    /** Whether the current token is whitespace or a comment: something the database skips. */
    public boolean isTrivia() {
        return type == TokenType.WHITESPACE || type == TokenType.LINE_COMMENT || type == TokenType.BLOCK_COMMENT;
    }

    /**
     * The 1-based line of {@code offset}. {@code \n}, {@code \r\n} and a lone {@code \r} each end a line. Cheap
     * when called with increasing offsets.
     */
    public int lineAt(int offset) {
        if (offset < lineCursor) {
            lineCursor = 0;
            lineAtCursor = firstLine;
        }
        int line = lineAtCursor;
        for (int i = lineCursor; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == length || text.charAt(i + 1) != '\n')) {
                line++;
            }
        }
        lineCursor = offset;
        lineAtCursor = line;
        return line;
    }

    private TokenType scan(char c) {
        if (c <= ' ') {
            pos = endOfWhitespace(pos + 1);
            return TokenType.WHITESPACE;
        }
        switch (c) {
            case '\'':
                pos = endOfQuoted(pos, '\'', "string literal");
                return TokenType.STRING;
            case '"':
                pos = endOfQuoted(pos, '"', "quoted identifier");
                return TokenType.QUOTED_IDENTIFIER;
            case '-':
                if (charAt(pos + 1) == '-') {
                    pos = endOfLine(pos + 2);
                    return TokenType.LINE_COMMENT;
                }
                break;
            case '/':
                if (charAt(pos + 1) == '*') {
                    pos = postgres ? endOfNestedComment(pos) : endOfFlatComment(pos);
                    return TokenType.BLOCK_COMMENT;
                }
                break;
            case '$':
                if (postgres) {
                    int end = endOfDollarQuote(pos);
                    if (end > 0) {
                        pos = end;
                        return TokenType.DOLLAR_STRING;
                    }
                }
                break;
            case '[':
                if (!postgres) {
                    int close = text.indexOf(']', pos + 1);
                    pos = close < 0 ? unterminated("bracketed identifier", pos, "]") : close + 1;
                    return TokenType.QUOTED_IDENTIFIER;
                }
                break;
            case '`':
                if (!postgres) {
                    pos = endOfQuoted(pos, '`', "quoted identifier");
                    return TokenType.QUOTED_IDENTIFIER;
                }
                break;
            default:
                break;
        }
        if (c != '$' && isWordChar(c)) {
            return word();
        }
        pos++;
        return TokenType.SYMBOL;
    }

    private TokenType word() {
        int end = pos + 1;
        while (end < length && isWordChar(text.charAt(end))) {
            end++;
        }
        pos = end;
        if (postgres && end - start == 1) {
            char prefix = text.charAt(start);
            // E'…' and U&'…' are one token in PostgreSQL; splitting them would lose the escape rules.
            if ((prefix == 'E' || prefix == 'e') && charAt(end) == '\'') {
                pos = endOfEscapeString(end);
                return TokenType.STRING;
            }
            if ((prefix == 'U' || prefix == 'u') && charAt(end) == '&') {
                char quote = charAt(end + 1);
                if (quote == '\'') {
                    pos = endOfQuoted(end + 1, '\'', "string literal");
                    return TokenType.STRING;
                }
                if (quote == '"') {
                    pos = endOfQuoted(end + 1, '"', "quoted identifier");
                    return TokenType.QUOTED_IDENTIFIER;
                }
            }
        }
        return TokenType.WORD;
    }

    private static boolean isWordChar(char c) {
        return c >= 128 || WORD_CHAR[c];
    }

    private static boolean isTagStart(char c) {
        return c >= 128 || c == '_' || (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    }

    private char charAt(int i) {
        return i < length ? text.charAt(i) : '\0';
    }

    private int endOfWhitespace(int from) {
        int i = from;
        while (i < length && text.charAt(i) <= ' ') {
            i++;
        }
        return i;
    }

    private int endOfLine(int from) {
        int i = from;
        while (i < length) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                break;
            }
            i++;
        }
        return i;
    }

    /** A quote that ends at {@code quote}, where a doubled quote stands for itself. */
    private int endOfQuoted(int open, char quote, String what) {
        int from = open + 1;
        while (true) {
            int close = text.indexOf(quote, from);
            if (close < 0) {
                return unterminated(what, open, String.valueOf(quote));
            }
            if (charAt(close + 1) != quote) {
                return close + 1;
            }
            from = close + 2;
        }
    }

    private int endOfEscapeString(int open) {
        int i = open + 1;
        while (i < length) {
            char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (charAt(i + 1) != '\'') {
                    return i + 1;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return unterminated("escape string literal E'…'", open - 1, "' (a backslash escapes the next character)");
    }

    private int endOfFlatComment(int open) {
        int close = text.indexOf("*/", open + 2);
        if (close < 0) {
            return unterminated("block comment", open, "*/");
        }
        return close + 2;
    }

    private int endOfNestedComment(int open) {
        int depth = 1;
        int i = open + 2;
        while (i + 1 < length) {
            char c = text.charAt(i);
            char d = text.charAt(i + 1);
            if (c == '*' && d == '/') {
                if (--depth == 0) {
                    return i + 2;
                }
                i += 2;
            } else if (c == '/' && d == '*') {
                depth++;
                i += 2;
            } else {
                i++;
            }
        }
        return unterminated("block comment", open, "*/ (PostgreSQL block comments nest: each /* needs its own */)");
    }

    /** The end of a dollar-quoted string starting at {@code open}, or -1 if the {@code $} does not start one. */
    private int endOfDollarQuote(int open) {
        int i = open + 1;
        if (charAt(i) != '$') {
            if (i >= length || !isTagStart(text.charAt(i))) {
                return -1;
            }
            i++;
            while (i < length && text.charAt(i) != '$' && isWordChar(text.charAt(i))) {
                i++;
            }
            if (charAt(i) != '$') {
                return -1;
            }
        }
        String delimiter = text.substring(open, i + 1);
        int close = text.indexOf(delimiter, i + 1);
        if (close < 0) {
            return unterminated("dollar-quoted string " + delimiter, open, delimiter);
        }
        return close + delimiter.length();
    }

    /** The end of the text, for a lenient lexer; otherwise throws. */
    private int unterminated(String what, int offset, String closer) {
        if (lenient) {
            truncated = true;
            return length;
        }
        throw new MooringException(ErrorCode.INVALID_MIGRATION, "Unterminated " + what + " starting on line "
                + lineAt(offset) + ": nothing closes it before the end of the script. Add the closing " + closer + ".");
    }
}
