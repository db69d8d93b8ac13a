package dev.mooring.migrate.internal.schema;

import dev.mooring.core.sql.SqlSyntax;
import dev.mooring.core.sql.internal.SqlLexer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Brings SQL text as SQLite stores it in {@code sqlite_master} to one canonical spelling, so that statements
 * that differ only in white space, comments, letter case or identifier quoting compare equal:
 * {@code CREATE INDEX "Idx" ON events ( title )  -- by title} and {@code create index idx on events(title)}
 * both become {@code create index idx on events(title)}. String literals are kept as written. Letter case is
 * folded everywhere else because SQLite's keywords and identifiers, quoted or not, ignore case.
 * <p>
 * Stateless and thread-safe.
 */
final class SqliteSqlText {
    /** The kinds of token the normalizer tells apart. */
    enum TokenType { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, OPERATOR, PUNCTUATION }

    /** One token; {@code text} is as written, except that a quoted identifier holds its unquoted name. */
    record Token(TokenType type, String text) {
        boolean isWord(String word) {
            return type == TokenType.WORD && text.equalsIgnoreCase(word);
        }

        boolean is(String punctuation) {
            return type == TokenType.PUNCTUATION && text.equals(punctuation);
        }

        /** The token in canonical spelling. */
        String canonical() {
            return switch (type) {
                case WORD, NUMBER -> text.toLowerCase(Locale.ROOT);
                case QUOTED_IDENTIFIER -> identifier(text);
                case STRING -> text.startsWith("X") ? "x" + text.substring(1) : text;
                case OPERATOR, PUNCTUATION -> text;
            };
        }
    }

    private static final List<String> OPERATORS = List.of("->>", "->", "<=", ">=", "<>", "!=", "==", "||", "<<", ">>");
    private static final String OPERATOR_CHARACTERS = "<>=!|&~+-*/%";
    /** Digits, possibly with {@code _} separators. */
    private static final Pattern INTEGER = Pattern.compile("[0-9][0-9_]*");
    /** An exponent right after a decimal point, as in {@code 1.e3} or {@code 1.e-3}. */
    private static final Pattern EXPONENT = Pattern.compile("[eE][0-9_]*");
    /** A number whose exponent's sign and digits come next: {@code 1e}, {@code 1.5e}, {@code .5E}. */
    private static final Pattern BEFORE_EXPONENT = Pattern.compile("(?:[0-9][0-9_]*(?:\\.[0-9_]*)?|\\.[0-9][0-9_]*)[eE]");
    /** Keywords after which {@code -1} is a negative number rather than a subtraction. */
    private static final Set<String> BEFORE_SIGNED_NUMBER = Set.of(
            "default", "then", "else", "when", "and", "or", "not", "between", "select", "where", "is", "like", "in",
            "return", "values", "check", "by");

    private SqliteSqlText() {
    }

    /** {@code sql} in canonical spelling, without a trailing semicolon. */
    static String normalize(String sql) {
        return render(tokenize(sql));
    }

    /** An identifier as it appears in canonical text: lower case, quoted only when it must be. */
    static String identifier(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.matches("[a-z_][a-z0-9_$]*") ? lower : '"' + lower.replace("\"", "\"\"") + '"';
    }

    /**
     * Splits {@code sql} into tokens, dropping white space and comments. An unterminated quote or comment runs to the
     * end of the text.
     */
    static List<Token> tokenize(String sql) {
        List<Lexeme> lexemes = lexemes(sql);
        List<Token> tokens = new ArrayList<>(lexemes.size());
        for (int i = 0; i < lexemes.size(); i++) {
            Lexeme lexeme = lexemes.get(i);
            if (lexeme.isWord("x") && joined(lexemes, i) && lexemes.get(i + 1).type() == SqlLexer.TokenType.STRING) {
                // a blob, X'0a': SqlLexer reads the X as a word of its own
                i++;
                tokens.add(new Token(TokenType.STRING, lexeme.text() + lexemes.get(i).text()));
            } else if (startsNumber(lexemes, i)) {
                int last = lastOfNumber(sql, lexemes, i);
                tokens.add(new Token(TokenType.NUMBER, sql.substring(lexeme.start(), lexemes.get(last).end())));
                i = last;
            } else if (lexeme.type() == SqlLexer.TokenType.SYMBOL && OPERATOR_CHARACTERS.indexOf(lexeme.text().charAt(0)) >= 0) {
                // The characters after the first one of an operator are never part of a longer lexeme, so an
                // operator spelled out in the text is exactly that many adjacent one-character lexemes.
                String operator = operatorAt(sql, lexeme.start());
                tokens.add(new Token(TokenType.OPERATOR, operator));
                i += operator.length() - 1;
            } else {
                tokens.add(switch (lexeme.type()) {
                    case WORD -> new Token(TokenType.WORD, lexeme.text());
                    case QUOTED_IDENTIFIER -> new Token(TokenType.QUOTED_IDENTIFIER, SqlLexer.unquote(lexeme.text()));
                    case STRING, DOLLAR_STRING -> new Token(TokenType.STRING, lexeme.text());
                    case SYMBOL -> new Token(TokenType.PUNCTUATION, lexeme.text());
                    default -> throw new AssertionError("white space and comments were dropped: " + lexeme);
                });
            }
        }
        return tokens;
    }

    /** Joins tokens in canonical spacing: one space between tokens, none inside parentheses or before a comma. */
    static String render(List<Token> tokens) {
        int size = tokens.size();
        while (size > 0 && tokens.get(size - 1).is(";")) {
            size--;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size; i++) {
            Token t = tokens.get(i);
            if (i > 0 && spaceBetween(i > 1 ? tokens.get(i - 2) : null, tokens.get(i - 1), t)) {
                out.append(' ');
            }
            out.append(t.canonical());
        }
        return out.toString();
    }

    /** The index of the parenthesis that closes the one at {@code open}, or the list's size if none does. */
    static int closingParenthesis(List<Token> tokens, int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            if (tokens.get(i).is("(")) {
                depth++;
            } else if (tokens.get(i).is(")") && --depth == 0) {
                return i;
            }
        }
        return tokens.size();
    }

    private static boolean spaceBetween(Token beforePrevious, Token previous, Token t) {
        if (previous.is(".")) {
            // ". 5" must not become the number ".5"
            return t.type() == TokenType.NUMBER;
        }
        if (t.is(".")) {
            // "1 ." must not become the number "1."
            return previous.type() == TokenType.NUMBER;
        }
        if (previous.is("(") || t.is(")") || t.is(",") || t.is(";")) {
            return false;
        }
        if (t.is("(")) {
            // name(columns), function(arguments), type(size)
            return previous.type() != TokenType.WORD && previous.type() != TokenType.QUOTED_IDENTIFIER;
        }
        boolean sign = previous.type() == TokenType.OPERATOR && (previous.text().equals("-") || previous.text().equals("+"));
        return !(sign && t.type() == TokenType.NUMBER && signsNumber(beforePrevious));
    }

    private static boolean signsNumber(Token before) {
        return before == null || before.type() == TokenType.OPERATOR || before.is("(") || before.is(",")
                // a quoted identifier that renders bare ("Default" → default) must space as the word it becomes,
                // or normalizing the output again would change it
                || (before.type() == TokenType.WORD || before.type() == TokenType.QUOTED_IDENTIFIER)
                && BEFORE_SIGNED_NUMBER.contains(before.canonical());
    }

    /** One token of {@link SqlLexer}: {@code start} and {@code end} are offsets in the text. */
    private record Lexeme(SqlLexer.TokenType type, int start, int end, String text) {
        boolean isWord(String word) {
            return type == SqlLexer.TokenType.WORD && text.equalsIgnoreCase(word);
        }

        boolean isSymbol(char c) {
            return type == SqlLexer.TokenType.SYMBOL && text.charAt(0) == c;
        }

        boolean startsWithDigit() {
            return type == SqlLexer.TokenType.WORD && text.charAt(0) >= '0' && text.charAt(0) <= '9';
        }
    }

    private static List<Lexeme> lexemes(String sql) {
        List<Lexeme> lexemes = new ArrayList<>();
        SqlLexer lexer = SqlLexer.lenient(sql, SqlSyntax.SQLITE);
        SqlLexer.TokenType type;
        while ((type = lexer.nextCode()) != null) {
            lexemes.add(new Lexeme(type, lexer.start(), lexer.end(), lexer.tokenText()));
        }
        return lexemes;
    }

    /** Whether lexeme {@code i} is followed by another with nothing between them. */
    private static boolean joined(List<Lexeme> lexemes, int i) {
        return i + 1 < lexemes.size() && lexemes.get(i + 1).start() == lexemes.get(i).end();
    }

    private static boolean startsNumber(List<Lexeme> lexemes, int i) {
        Lexeme lexeme = lexemes.get(i);
        return lexeme.startsWithDigit() || lexeme.isSymbol('.') && joined(lexemes, i) && lexemes.get(i + 1).startsWithDigit();
    }

    /**
     * The last lexeme of the number that starts at lexeme {@code first}. A word ends at {@code .}, {@code +} and
     * {@code -}, so SqlLexer reads {@code 1.5e-3} as {@code 1}, {@code .}, {@code 5e}, {@code -}, {@code 3}.
     */
    private static int lastOfNumber(String sql, List<Lexeme> lexemes, int first) {
        int last = first;
        while (joined(lexemes, last)) {
            String number = sql.substring(lexemes.get(first).start(), lexemes.get(last).end());
            Lexeme next = lexemes.get(last + 1);
            if (next.isSymbol('.') && INTEGER.matcher(number).matches()
                    || number.endsWith(".") && (next.startsWithDigit() || next.type() == SqlLexer.TokenType.WORD
                    && EXPONENT.matcher(next.text()).matches())) {
                last++;
            } else if ((next.isSymbol('-') || next.isSymbol('+')) && BEFORE_EXPONENT.matcher(number).matches()
                    && joined(lexemes, last + 1) && INTEGER.matcher(lexemes.get(last + 2).text()).matches()) {
                last += 2;
            } else {
                break;
            }
        }
        return last;
    }

    private static String operatorAt(String sql, int start) {
        for (String operator : OPERATORS) {
            if (sql.startsWith(operator, start)) {
                return operator;
            }
        }
        return sql.substring(start, start + 1);
    }
}
