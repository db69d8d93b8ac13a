package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

/**
 * The extra SQL filter an administrator may give a data package ({@code --where}): a boolean expression over the
 * columns of each table, pasted into the query as {@code … AND (<filter>)} after the owner filter. It is checked so
 * that it stays inside its parentheses: it may not close one it did not open, end a statement ({@code ;}), hide the
 * rest of the query in a comment ({@code --}, {@code /*}), or hold a backslash or a dollar quote (whose quoting this
 * check does not follow). The query runs in a read-only transaction, so a filter cannot write either. It can
 * still read anything its database role may read through a subquery: it is an administrator's tool, not input to
 * take from users. Stateless.
 */
public final class WhereFilter {
    private WhereFilter() {
    }

    /**
     * Returns {@code filter} stripped, or {@code null} for none.
     *
     * @throws MooringException {@code USAGE} naming what is not allowed
     */
    public static String check(String filter) {
        if (filter == null) {
            return null;
        }
        String text = filter.strip();
        if (text.isEmpty()) {
            throw refused(filter, "it is empty; leave --where out for every row");
        }
        if (text.indexOf(';') >= 0) {
            throw refused(filter, "it contains ';'; give one condition, not statements");
        }
        if (text.indexOf('\\') >= 0) {
            // with standard_conforming_strings off a backslash escapes a quote, which would move the string's end
            throw refused(filter, "it contains a backslash; write strings as plain 'text'");
        }
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0; // a doubled quote ('it''s') closes and reopens: the same state as before
                }
                continue;
            }
            switch (ch) {
                case '\'', '"' -> quote = ch;
                case '(' -> depth++;
                case ')' -> {
                    if (--depth < 0) {
                        throw refused(filter, "it closes a parenthesis it did not open");
                    }
                }
                case '$' -> throw refused(filter, "it contains '$' outside a string; dollar quotes and parameters"
                        + " are not supported");
                case '-', '/' -> {
                    char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
                    if ((ch == '-' && next == '-') || (ch == '/' && next == '*')) {
                        throw refused(filter, "it contains a comment");
                    }
                }
                default -> {
                }
            }
        }
        if (quote != 0) {
            throw refused(filter, "a quoted string or name is not closed");
        }
        if (depth != 0) {
            throw refused(filter, "a parenthesis is not closed");
        }
        return text;
    }

    private static MooringException refused(String filter, String why) {
        return new MooringException(ErrorCode.USAGE, "--where '" + filter + "' is refused: " + why + ". It must be one"
                + " SQL condition over the tables' columns, e.g. --where \"region = 'north'\".");
    }
}
