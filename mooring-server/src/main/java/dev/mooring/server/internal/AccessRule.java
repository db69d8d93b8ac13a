package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sharing rule as parsed from its text: one or more paths joined by {@code OR}, each tying a column of the row to
 * the requesting user, directly ({@code shared_with_user_id = :user}) or through a chain of sub-selects
 * ({@code id IN (SELECT event_id FROM event_groups WHERE group_id IN (SELECT group_id FROM shares WHERE
 * shared_with_user_id = :user AND accepted_at IS NOT NULL))}). The grammar:
 *
 * <pre>
 * rule   := path ( OR path )*
 * path   := column = :user | column IN ( select )
 * select := SELECT column FROM table WHERE term ( AND term )*
 * term   := column = :user | column IN ( select )          -- exactly one of these per select: the link
 *         | column IS [NOT] NULL | column = literal | column &lt;&gt; literal | column IN ( literal, … )
 * literal:= 'text' | number | TRUE | FALSE
 * </pre>
 *
 * Only this much SQL, because the server must know, for every write to any table a rule names, which users gain or
 * lose which rows: a chain of equality joins can be followed both ways (from a row to the users who see it, from a
 * share to the rows it opens), and its every step can use an index. Each path must end at {@code :user}, so no rule
 * shows every row to everyone. Names are checked against the real schema later ({@link TableAccess}); here they must
 * only be plain identifiers. Immutable.
 *
 * @param text  the rule as written, for messages
 * @param paths the ways a row can be reached
 */
public record AccessRule(String text, List<Path> paths) {
    /** A condition on a sub-select's table that is not the link: {@code column op literal…}. */
    public record Filter(String column, String op, List<String> literals) {
        /** The condition as SQL on table alias {@code alias}; literals are already quoted SQL. */
        String sql(String alias) {
            String col = alias + "." + TableCatalog.quote(column);
            return switch (op) {
                case "IS NULL", "IS NOT NULL" -> col + " " + op;
                case "IN" -> col + " IN (" + String.join(", ", literals) + ")";
                default -> col + " " + op + " " + literals.get(0);
            };
        }
    }

    /**
     * One sub-select of a path: {@code SELECT select FROM table WHERE link … AND filters}; {@code link} is compared
     * with the next hop's {@code select}, or with the user for the last hop.
     */
    public record Hop(String table, String select, String link, List<Filter> filters) {
    }

    /** One way to reach a row: its {@code column}, then the hops; no hops means {@code column = :user}. */
    public record Path(String column, List<Hop> hops) {
    }

    /**
     * Parses a rule.
     *
     * @throws MooringException {@code CONFIGURATION} naming what is wrong and where
     */
    public static AccessRule parse(String text, String where) {
        Parser p = new Parser(text, where);
        List<Path> paths = new ArrayList<>();
        do {
            paths.add(p.path());
        } while (p.accept("OR"));
        p.end();
        return new AccessRule(text, List.copyOf(paths));
    }

    private static final class Parser {
        private final List<String> tokens;
        private final String text;
        private final String where;
        private int at;

        Parser(String text, String where) {
            this.text = text;
            this.where = where;
            this.tokens = tokenize(text);
        }

        Path path() {
            String column = identifier("a column of the table");
            if (accept("=")) {
                expect(":user");
                return new Path(column, List.of());
            }
            if (accept("IN")) {
                expect("(");
                List<Hop> hops = new ArrayList<>();
                select(hops);
                expect(")");
                return new Path(column, List.copyOf(hops));
            }
            throw error("after column " + column + " expected '= :user' or 'IN (SELECT …)'");
        }

        private void select(List<Hop> hops) {
            expect("SELECT");
            String select = identifier("the column the sub-select returns");
            expect("FROM");
            String table = identifier("a table name");
            if (accept(".")) {
                table = table + "." + identifier("a table name after the schema");
            }
            expect("WHERE");
            String link = null;
            List<Filter> filters = new ArrayList<>();
            int index = hops.size();
            hops.add(null);
            do {
                String column = identifier("a column of " + table);
                if (peek("=") && peekAt(1, ":user")) {
                    at += 2;
                    link = single(link, column, table);
                } else if (peek("IN") && peekAt(1, "(") && peekAt(2, "SELECT")) {
                    at += 2;
                    link = single(link, column, table);
                    select(hops);
                    expect(")");
                } else {
                    filters.add(filter(column));
                }
            } while (accept("AND"));
            if (link == null) {
                throw error("the sub-select from " + table + " does not lead to :user (no 'column = :user' nor"
                        + " 'column IN (SELECT …)'); a rule without :user would show every row to every user");
            }
            hops.set(index, new Hop(table, select, link, List.copyOf(filters)));
        }

        private String single(String link, String column, String table) {
            if (link != null) {
                throw error("the sub-select from " + table + " links on both " + link + " and " + column
                        + "; give one 'column = :user' or 'column IN (SELECT …)' per sub-select, and write a second"
                        + " path with OR instead");
            }
            return column;
        }

        private Filter filter(String column) {
            if (accept("IS")) {
                boolean not = accept("NOT");
                expect("NULL");
                return new Filter(column, not ? "IS NOT NULL" : "IS NULL", List.of());
            }
            if (accept("IN")) {
                expect("(");
                List<String> literals = new ArrayList<>();
                do {
                    literals.add(literal());
                } while (accept(","));
                expect(")");
                return new Filter(column, "IN", List.copyOf(literals));
            }
            for (String op : List.of("=", "<>", "!=")) {
                if (accept(op)) {
                    return new Filter(column, op.equals("!=") ? "<>" : op, List.of(literal()));
                }
            }
            throw error("after column " + column + " expected '= :user', 'IN (SELECT …)', 'IS [NOT] NULL', '= value',"
                    + " '<> value' or 'IN (values)'");
        }

        private String literal() {
            String token = next("a value ('text', a number, TRUE or FALSE)");
            if (token.startsWith("'")) {
                return token; // already a SQL string literal, quotes doubled inside
            }
            String upper = token.toUpperCase(Locale.ROOT);
            if (upper.equals("TRUE") || upper.equals("FALSE")) {
                return upper;
            }
            if (token.matches("-?[0-9]+(\\.[0-9]+)?")) {
                return token;
            }
            throw error("'" + token + "' is not a value; write text in single quotes, a number, TRUE or FALSE");
        }

        private String identifier(String what) {
            String token = next(what);
            if (!token.matches("[A-Za-z_][A-Za-z0-9_]{0,62}") || KEYWORDS.contains(token.toUpperCase(Locale.ROOT))) {
                throw error("expected " + what + ", found '" + token + "'");
            }
            return token;
        }

        boolean accept(String token) {
            if (peek(token)) {
                at++;
                return true;
            }
            return false;
        }

        private void expect(String token) {
            if (!accept(token)) {
                throw error("expected '" + token + "'" + (at < tokens.size() ? ", found '" + tokens.get(at) + "'"
                        : " at the end"));
            }
        }

        private boolean peek(String token) {
            return peekAt(0, token);
        }

        private boolean peekAt(int ahead, String token) {
            return at + ahead < tokens.size() && tokens.get(at + ahead).equalsIgnoreCase(token);
        }

        private String next(String what) {
            if (at >= tokens.size()) {
                throw error("expected " + what + " at the end");
            }
            return tokens.get(at++);
        }

        void end() {
            if (at < tokens.size()) {
                throw error("unexpected '" + tokens.get(at) + "'; paths are joined with OR, conditions inside a"
                        + " sub-select with AND");
            }
        }

        private MooringException error(String problem) {
            return new MooringException(ErrorCode.CONFIGURATION, where + ": the rule \"" + text.strip() + "\" is not"
                    + " understood: " + problem + ". Rules are 'column = :user' or 'column IN (SELECT column FROM"
                    + " table WHERE …)', joined by OR (see the README, Shared data).");
        }

        private List<String> tokenize(String source) {
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < source.length()) {
                char ch = source.charAt(i);
                if (Character.isWhitespace(ch)) {
                    i++;
                } else if (ch == '\'') {
                    int j = i + 1;
                    StringBuilder literal = new StringBuilder("'");
                    while (true) {
                        if (j >= source.length()) {
                            throw error("a quoted value is not closed");
                        }
                        char c = source.charAt(j);
                        if (c == '\\') {
                            throw error("a backslash in a value; write values as plain 'text'");
                        }
                        if (c == '\'') {
                            if (j + 1 < source.length() && source.charAt(j + 1) == '\'') {
                                literal.append("''");
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        literal.append(c);
                        j++;
                    }
                    out.add(literal.append('\'').toString());
                    i = j + 1;
                } else if (ch == ':' ) {
                    int j = i + 1;
                    while (j < source.length() && Character.isLetterOrDigit(source.charAt(j))) {
                        j++;
                    }
                    String name = source.substring(i, j);
                    if (!name.equalsIgnoreCase(":user")) {
                        throw error("'" + name + "' is not a parameter; the one parameter is :user, the requesting"
                                + " user's id");
                    }
                    out.add(":user");
                    i = j;
                } else if (ch == '<' && i + 1 < source.length() && source.charAt(i + 1) == '>'
                        || ch == '!' && i + 1 < source.length() && source.charAt(i + 1) == '=') {
                    out.add(source.substring(i, i + 2));
                    i += 2;
                } else if ("(),=.".indexOf(ch) >= 0) {
                    out.add(String.valueOf(ch));
                    i++;
                } else if (Character.isLetterOrDigit(ch) || ch == '_' || ch == '-') {
                    int j = i + 1;
                    while (j < source.length() && (Character.isLetterOrDigit(source.charAt(j))
                            || source.charAt(j) == '_' || source.charAt(j) == '.' && Character.isDigit(source.charAt(i)))) {
                        j++;
                    }
                    out.add(source.substring(i, j));
                    i = j;
                } else {
                    throw error("'" + ch + "' is not allowed here");
                }
            }
            return out;
        }
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("SELECT", "FROM", "WHERE", "AND", "OR",
            "IN", "IS", "NOT", "NULL", "TRUE", "FALSE");
}
