package dev.mooring.core.sql;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Builds scripts from statements made of random fragments that are full of semicolons, quotes and comment
 * markers, joins them with {@code ;\n} (with random comments and blank lines between), and checks that splitting
 * gives back exactly the statements, each with the line it starts on.
 */
class SplitRoundTripPropertyTest {

    // Identifiers never spell a keyword that changes where a statement ends; those are exercised on purpose.
    private static final Set<String> KEYWORDS = Set.of("create", "or", "replace", "function", "procedure", "temp",
            "temporary", "trigger", "begin", "case", "end", "atomic");
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    record Script(String text, List<SqlStatement> statements) {
    }

    @Property(tries = 300)
    void splittingPostgresScriptsGivesBackTheStatements(@ForAll("postgresScripts") Script script) {
        assertThat(SqlSplitter.split(script.text(), SqlSyntax.POSTGRESQL)).extracting(SqlStatement::sql)
                .containsExactlyElementsOf(script.statements().stream().map(SqlStatement::sql).toList());
    }

    @Property(tries = 300)
    void splittingSqliteScriptsGivesBackTheStatements(@ForAll("sqliteScripts") Script script) {
        assertThat(SqlSplitter.split(script.text(), SqlSyntax.SQLITE)).extracting(SqlStatement::sql)
                .containsExactlyElementsOf(script.statements().stream().map(SqlStatement::sql).toList());
    }

    @Property(tries = 200)
    void postgresStatementLinesAreTheLinesTheyStartOn(@ForAll("postgresScripts") Script script) {
        assertThat(SqlSplitter.split(script.text(), SqlSyntax.POSTGRESQL)).containsExactlyElementsOf(script.statements());
    }

    @Property(tries = 200)
    void sqliteStatementLinesAreTheLinesTheyStartOn(@ForAll("sqliteScripts") Script script) {
        assertThat(SqlSplitter.split(script.text(), SqlSyntax.SQLITE)).containsExactlyElementsOf(script.statements());
    }

    @Property(tries = 200)
    void codeOnlyKeepsStatementBoundaries(@ForAll("postgresScripts") Script script) {
        String code = SqlSplitter.codeOnly(script.text(), SqlSyntax.POSTGRESQL);
        assertThat(SqlSplitter.split(code, SqlSyntax.POSTGRESQL)).hasSameSizeAs(script.statements());
        assertThat(code).isEqualTo(SqlSplitter.codeOnly(code, SqlSyntax.POSTGRESQL));
    }

    @Provide
    Arbitrary<Script> postgresScripts() {
        return scripts(postgresStatements());
    }

    @Provide
    Arbitrary<Script> sqliteScripts() {
        return scripts(sqliteStatements());
    }

    @Provide
    Arbitrary<String> postgresStatements() {
        Arbitrary<String> fragment = Arbitraries.oneOf(commonFragments(), dollarQuoted(), escapeString(),
                Combinators.combine(text("ab ;'-"), blockComment()).as((a, inner) -> "/*" + a + inner + a + "*/"));
        Arbitrary<String> plain = plainStatement(fragment);
        Arbitrary<String> routine = Combinators.combine(identifier(), plain.list().ofMinSize(1).ofMaxSize(3), separator())
                .as((name, body, sep) -> "CREATE OR REPLACE FUNCTION " + name + "() RETURNS int LANGUAGE sql" + sep
                        + "BEGIN ATOMIC" + sep + String.join(";" + sep, body) + ";" + sep
                        + "SELECT CASE WHEN 1 = 1 THEN 1 END;" + sep + "END");
        return Arbitraries.frequencyOf(Tuple.of(8, plain), Tuple.of(1, routine));
    }

    Arbitrary<String> sqliteStatements() {
        Arbitrary<String> fragment = Arbitraries.oneOf(commonFragments(), bracketed(), backticked(),
                text("ab ;'-").map(a -> "/*" + a + "/*" + a + "*/"));
        Arbitrary<String> plain = plainStatement(fragment);
        Arbitrary<String> bodyStatement = Arbitraries.oneOf(plain,
                plain.map(s -> "UPDATE t SET x = CASE WHEN y THEN 1 ELSE " + s + " END"));
        Arbitrary<String> trigger = Combinators.combine(identifier(), Arbitraries.of("", "TEMP ", "temporary "),
                        bodyStatement.list().ofMinSize(1).ofMaxSize(3), separator())
                .as((name, temp, body, sep) -> "CREATE " + temp + "TRIGGER " + name + " AFTER INSERT ON t" + sep + "BEGIN" + sep
                        + String.join(";" + sep, body) + ";" + sep + "END");
        return Arbitraries.frequencyOf(Tuple.of(6, plain), Tuple.of(1, trigger));
    }

    private static Arbitrary<Script> scripts(Arbitrary<String> statements) {
        return Combinators.combine(statements.list().ofMaxSize(6), noise().list().ofMinSize(6).ofMaxSize(6), Arbitraries.of(true, false))
                .as(SplitRoundTripPropertyTest::join);
    }

    private static Script join(List<String> statements, List<String> noise, boolean finalSemicolon) {
        StringBuilder text = new StringBuilder(noise.get(0));
        List<SqlStatement> expected = new ArrayList<>();
        for (int i = 0; i < statements.size(); i++) {
            if (i > 0) {
                text.append(";\n").append(noise.get(i));
            }
            expected.add(new SqlStatement(statements.get(i), lineOf(text)));
            text.append(statements.get(i));
        }
        if (finalSemicolon) {
            text.append(";\n");
        }
        return new Script(text.toString(), expected);
    }

    // Counted independently of the lexer: a line break is \r\n, \r or \n.
    private static int lineOf(CharSequence before) {
        Matcher m = LINE_BREAK.matcher(before);
        int line = 1;
        while (m.find()) {
            line++;
        }
        return line;
    }

    /** A statement that starts and ends with code, with anything in between, fragments separated by whitespace. */
    private static Arbitrary<String> plainStatement(Arbitrary<String> fragment) {
        return Combinators.combine(identifier(), fragment.list().ofMaxSize(6), separator().list().ofSize(7), identifier())
                .as((first, middle, seps, last) -> {
                    StringBuilder s = new StringBuilder(first);
                    for (int i = 0; i < middle.size(); i++) {
                        s.append(seps.get(i)).append(middle.get(i));
                    }
                    return s.append(seps.get(6)).append(last).toString();
                });
    }

    private static Arbitrary<String> commonFragments() {
        return Arbitraries.oneOf(identifier(), identifier(), number(), symbol(), singleQuoted(), doubleQuoted(),
                lineComment(), blockComment(), identifier().map(s -> "(" + s + ")"));
    }

    /** Whitespace and comments: what may come between statements without belonging to any. */
    private static Arbitrary<String> noise() {
        return Arbitraries.oneOf(Arbitraries.just(""), separator(), lineComment(), blockComment().map(c -> c + "\n"),
                Combinators.combine(lineComment(), blockComment(), separator()).as((a, b, c) -> a + c + b + c));
    }

    private static Arbitrary<String> separator() {
        return Arbitraries.of(" ", "\n", "\t", "  \n  ", "\r\n", "\n\n", " \r ");
    }

    private static Arbitrary<String> identifier() {
        return Combinators.combine(Arbitraries.chars().range('a', 'z'),
                        Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_$").ofMaxLength(7))
                .as((head, tail) -> head + tail)
                .filter(id -> !KEYWORDS.contains(id));
    }

    private static Arbitrary<String> number() {
        return Arbitraries.integers().between(0, 100_000).map(String::valueOf);
    }

    private static Arbitrary<String> symbol() {
        return Arbitraries.of(",", "=", "+", "*", "<", ">", ".", "::", "||");
    }

    private static Arbitrary<String> text(String chars) {
        return Arbitraries.strings().withChars(chars).ofMaxLength(12);
    }

    private static Arbitrary<String> singleQuoted() {
        return text("ab ;'\"-/*$\n\\").map(s -> "'" + s.replace("'", "''") + "'");
    }

    private static Arbitrary<String> doubleQuoted() {
        return text("ab ;'\"-/*$\n").map(s -> "\"" + s.replace("\"", "\"\"") + "\"");
    }

    private static Arbitrary<String> escapeString() {
        return text("ab ;'\"\\\n").map(s -> "E'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'");
    }

    private static Arbitrary<String> lineComment() {
        return Combinators.combine(text("ab ;'\"-/*$"), Arbitraries.of("\n", "\r\n", "\r")).as((s, end) -> "--" + s + end);
    }

    private static Arbitrary<String> blockComment() {
        return text("ab ;'\"-$\n").map(s -> "/*" + s + "*/");
    }

    private static Arbitrary<String> dollarQuoted() {
        return Combinators.combine(Arbitraries.of("", "fn", "body", "_x1"), text("ab ;'\"-/*\nBEGIN END"))
                .as((tag, body) -> "$" + tag + "$" + body + "$" + tag + "$");
    }

    private static Arbitrary<String> bracketed() {
        return text("ab ;'\"-/*$[\n").map(s -> "[" + s + "]");
    }

    private static Arbitrary<String> backticked() {
        return text("ab ;'\"-/*$`\n").map(s -> "`" + s.replace("`", "``") + "`");
    }
}
