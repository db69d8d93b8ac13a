package dev.mooring.core.sql;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresSplittingTest {

    private static List<SqlStatement> split(String script) {
        return SqlSplitter.split(script, SqlSyntax.POSTGRESQL);
    }

    private static List<String> sql(String script) {
        return split(script).stream().map(SqlStatement::sql).toList();
    }

    @Test
    void statementsEndAtSemicolonsAndAreTrimmed() {
        assertThat(split("  CREATE TABLE a (id int) ;\n\n  INSERT INTO a VALUES (1);\n"))
                .containsExactly(new SqlStatement("CREATE TABLE a (id int)", 1), new SqlStatement("INSERT INTO a VALUES (1)", 3));
    }

    @Test
    void finalStatementWithoutSemicolonIsReturned() {
        assertThat(split("SELECT 1;\nSELECT 2\n")).containsExactly(new SqlStatement("SELECT 1", 1), new SqlStatement("SELECT 2", 2));
    }

    @Test
    void emptyStatementsAndBlankScriptsGiveNothing() {
        assertThat(sql(";;SELECT 1;; ;\n;")).containsExactly("SELECT 1");
        assertThat(split("")).isEmpty();
        assertThat(split(" \n\t ")).isEmpty();
    }

    @Test
    void commentOnlyStatementsAreDropped() {
        assertThat(split("SELECT 1;\n-- the end\n/* really */\n")).containsExactly(new SqlStatement("SELECT 1", 1));
        assertThat(split("-- nothing here\n;")).isEmpty();
    }

    @Test
    void leadingCommentsAreNotPartOfTheStatementAndLinePointsAtTheCode() {
        String script = "-- Description: users\n/* owner: app */\n\nCREATE TABLE users (id int);\n";
        assertThat(split(script)).containsExactly(new SqlStatement("CREATE TABLE users (id int)", 4));
    }

    @Test
    void commentsInsideAStatementAreKeptVerbatim() {
        assertThat(sql("SELECT 1, -- one\n  2 /* two */ ; SELECT 3 -- trailing\n"))
                .containsExactly("SELECT 1, -- one\n  2", "SELECT 3");
    }

    @Test
    void semicolonsInsideStringsAndIdentifiersDoNotSplit() {
        assertThat(sql("INSERT INTO t VALUES ('a;b', 'it''s; fine');\nSELECT \"we;ird\"\"col\" FROM t"))
                .containsExactly("INSERT INTO t VALUES ('a;b', 'it''s; fine')", "SELECT \"we;ird\"\"col\" FROM t");
    }

    @Test
    void semicolonsInsideCommentsDoNotSplit() {
        assertThat(sql("SELECT 1 -- not; here\n + 1; SELECT /* ; */ 2")).containsExactly("SELECT 1 -- not; here\n + 1", "SELECT /* ; */ 2");
    }

    @Test
    void blockCommentsNest() {
        assertThat(sql("SELECT /* a /* b; */ still comment; */ 1; SELECT 2"))
                .containsExactly("SELECT /* a /* b; */ still comment; */ 1", "SELECT 2");
    }

    @Test
    void escapeStringsTakeBackslashEscapes() {
        assertThat(sql("SELECT E'it\\'s; \\\\'; SELECT e'\\''; SELECT 3"))
                .containsExactly("SELECT E'it\\'s; \\\\'", "SELECT e'\\''", "SELECT 3");
    }

    @Test
    void plainStringsTakeNoBackslashEscapes() {
        assertThat(sql("SELECT 'C:\\'; SELECT 2")).containsExactly("SELECT 'C:\\'", "SELECT 2");
    }

    @Test
    void unicodeStringsBehaveLikePlainStrings() {
        assertThat(sql("SELECT U&'d\\0061t;a', u&\"i;d\"; SELECT 2")).containsExactly("SELECT U&'d\\0061t;a', u&\"i;d\"", "SELECT 2");
    }

    @Test
    void semicolonsInsideDollarQuotesDoNotSplit() {
        String function = """
                CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  -- don't split; here
                  NEW.updated_at := now();
                  RAISE NOTICE 'touched; ''%''', NEW.id;
                  RETURN NEW;
                END;
                $$""";
        assertThat(split(function + ";\nSELECT 1;")).containsExactly(new SqlStatement(function, 1), new SqlStatement("SELECT 1", 9));
    }

    @Test
    void taggedDollarQuotesEndOnlyAtTheSameTag() {
        String block = "DO $do$\nBEGIN\n  EXECUTE $q$ SELECT 1; $$ not the end; $q$;\nEND\n$do$";
        assertThat(sql(block + ";\nSELECT 2")).containsExactly(block, "SELECT 2");
    }

    @Test
    void positionalParametersAreNotDollarQuotes() {
        assertThat(sql("PREPARE p AS SELECT $1 + $2; SELECT 'x$'; SELECT a$b$ FROM t"))
                .containsExactly("PREPARE p AS SELECT $1 + $2", "SELECT 'x$'", "SELECT a$b$ FROM t");
    }

    @Test
    void dollarSignsInsideIdentifiersDoNotStartDollarQuotes() {
        assertThat(sql("SELECT price$$ FROM t; SELECT 2")).containsExactly("SELECT price$$ FROM t", "SELECT 2");
    }

    @Test
    void semicolonsInsideParenthesesDoNotSplitAsInPsql() {
        String rule = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO log VALUES (1); INSERT INTO log VALUES (2))";
        assertThat(sql(rule + "; SELECT 1")).containsExactly(rule, "SELECT 1");
    }

    @Test
    void beginAtomicFunctionBodiesHoldSemicolons() {
        String function = """
                CREATE FUNCTION grade(score int) RETURNS text LANGUAGE sql
                BEGIN ATOMIC
                  INSERT INTO audit VALUES (score);
                  SELECT CASE WHEN score > 50 THEN 'pass' ELSE 'fail' END;
                END""";
        assertThat(sql(function + ";\nCREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; END;\nSELECT 2"))
                .containsExactly(function, "CREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC SELECT 1; END", "SELECT 2");
    }

    @Test
    void transactionBeginOutsideRoutinesDoesNotHoldSemicolons() {
        assertThat(sql("BEGIN; UPDATE t SET backend = 1; END; SELECT CASE WHEN true THEN 1 END;"))
                .containsExactly("BEGIN", "UPDATE t SET backend = 1", "END", "SELECT CASE WHEN true THEN 1 END");
    }

    @Test
    void lineNumbersCountEveryKindOfLineBreak() {
        assertThat(split("SELECT 1;\r\nSELECT 2;\rSELECT 3;\n\n SELECT '\n\n'; SELECT 5"))
                .extracting(SqlStatement::line).containsExactly(1, 2, 3, 5, 7);
    }

    @Test
    void unterminatedDollarQuoteNamesTagAndLine() {
        String script = "SELECT 1;\n\nCREATE FUNCTION f() RETURNS int AS $fn$\nBEGIN\n  RETURN 1;\nEND;\n$f$;\n";
        assertThatThrownBy(() -> split(script))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_MIGRATION))
                .hasMessageStartingWith("Unterminated dollar-quoted string $fn$ starting on line 3");
    }

    @Test
    void unterminatedQuotesAndCommentsNameWhatAndLine() {
        assertThatThrownBy(() -> split("SELECT 1;\nSELECT 'oops;\n")).hasMessageStartingWith("Unterminated string literal starting on line 2");
        assertThatThrownBy(() -> split("SELECT E'it\\'s")).hasMessageStartingWith("Unterminated escape string literal E'…' starting on line 1");
        assertThatThrownBy(() -> split("\n\nSELECT \"col")).hasMessageStartingWith("Unterminated quoted identifier starting on line 3");
        assertThatThrownBy(() -> split("SELECT 1 /* a /* b */ c;\n"))
                .isInstanceOf(MooringException.class)
                .hasMessageStartingWith("Unterminated block comment starting on line 1")
                .hasMessageContaining("nest");
    }

    @Test
    void lineCommentsEndAtAnyLineBreak() {
        assertThat(split("SELECT 1 -- one\r; SELECT 2 -- two\r\n; SELECT 3"))
                .containsExactly(new SqlStatement("SELECT 1", 1), new SqlStatement("SELECT 2", 2), new SqlStatement("SELECT 3", 3));
    }

    @Test
    void lineCommentAtEndOfScriptNeedsNoLineBreak() {
        assertThat(sql("SELECT 1 -- done")).containsExactly("SELECT 1");
    }
}
