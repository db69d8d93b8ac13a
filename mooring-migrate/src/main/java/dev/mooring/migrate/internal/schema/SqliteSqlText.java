package dev.mooring.migrate.internal.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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

    /** Splits {@code sql} into tokens, dropping white space and comments. */
    static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            char next = i + 1 < n ? sql.charAt(i + 1) : '\0';
            int end;
            if (Character.isWhitespace(c)) {
                end = i + 1;
            } else if (c == '-' && next == '-') {
                end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
            } else if (c == '/' && next == '*') {
                end = sql.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
            } else if (c == '\'') {
                end = endOfQuoted(sql, i, '\'');
                tokens.add(new Token(TokenType.STRING, sql.substring(i, end)));
            } else if ((c == 'x' || c == 'X') && next == '\'') {
                end = endOfQuoted(sql, i + 1, '\'');
                tokens.add(new Token(TokenType.STRING, sql.substring(i, end)));
            } else if (c == '"' || c == '`') {
                end = endOfQuoted(sql, i, c);
                String quote = String.valueOf(c);
                String body = sql.substring(i + 1, closed(sql, i, end, c) ? end - 1 : end);
                tokens.add(new Token(TokenType.QUOTED_IDENTIFIER, body.replace(quote + quote, quote)));
            } else if (c == '[') {
                end = sql.indexOf(']', i);
                end = end < 0 ? n : end + 1;
                tokens.add(new Token(TokenType.QUOTED_IDENTIFIER, sql.substring(i + 1, closed(sql, i, end, ']') ? end - 1 : end)));
            } else if (Character.isDigit(c) || c == '.' && Character.isDigit(next)) {
                end = endOfNumber(sql, i);
                tokens.add(new Token(TokenType.NUMBER, sql.substring(i, end)));
            } else if (isWordCharacter(c)) {
                end = i + 1;
                while (end < n && (isWordCharacter(sql.charAt(end)) || Character.isDigit(sql.charAt(end)))) {
                    end++;
                }
                tokens.add(new Token(TokenType.WORD, sql.substring(i, end)));
            } else if (OPERATOR_CHARACTERS.indexOf(c) >= 0) {
                end = i + operatorLength(sql, i);
                tokens.add(new Token(TokenType.OPERATOR, sql.substring(i, end)));
            } else {
                end = i + 1;
                tokens.add(new Token(TokenType.PUNCTUATION, String.valueOf(c)));
            }
            i = end;
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
                || before.type() == TokenType.WORD && BEFORE_SIGNED_NUMBER.contains(before.text().toLowerCase(Locale.ROOT));
    }

    private static int endOfQuoted(String sql, int start, char quote) {
        int i = start + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    /** Whether the quoted token ending at {@code end} has its closing quote (SQLite never stores one without). */
    private static boolean closed(String sql, int start, int end, char quote) {
        return end - start >= 2 && sql.charAt(end - 1) == quote;
    }

    private static int endOfNumber(String sql, int start) {
        int i = start;
        int n = sql.length();
        if (sql.startsWith("0x", i) || sql.startsWith("0X", i)) {
            i += 2;
            while (i < n && Character.digit(sql.charAt(i), 16) >= 0) {
                i++;
            }
            return i;
        }
        while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
            i++;
        }
        if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
                j++;
            }
            if (j < n && Character.isDigit(sql.charAt(j))) {
                i = j;
                while (i < n && Character.isDigit(sql.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    private static int operatorLength(String sql, int start) {
        for (String operator : OPERATORS) {
            if (sql.startsWith(operator, start)) {
                return operator.length();
            }
        }
        return 1;
    }

    private static boolean isWordCharacter(char c) {
        return Character.isLetter(c) || c == '_' || c == '$' || c > 127;
    }
}
