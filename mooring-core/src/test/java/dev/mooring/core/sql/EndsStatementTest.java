package dev.mooring.core.sql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndsStatementTest {

    private static boolean ends(String text) {
        return SqlSplitter.endsStatement(text, SqlSyntax.POSTGRESQL);
    }

    @Test
    void aSemicolonAtTopLevelEndsTheText() {
        assertThat(ends("SELECT 1;\n")).isTrue();
        assertThat(ends("SELECT 1; SELECT 2;")).isTrue();
        assertThat(ends("SELECT 1; -- done\n")).isTrue();
        assertThat(ends("SELECT 1; /* done */ ")).isTrue();
    }

    @Test
    void aStatementWithoutItsSemicolonIsOpen() {
        assertThat(ends("SELECT 1;\nSELECT 2\n")).isFalse();
        assertThat(ends("CREATE TABLE t (\n  id int\n")).isFalse();
    }

    @Test
    void textWithoutCodeCountsAsEnded() {
        assertThat(ends("")).isTrue();
        assertThat(ends("-- a comment; with a semicolon\n")).isTrue();
        assertThat(ends(";;\n")).isTrue();
    }

    @Test
    void semicolonsInsideOpenQuotesCommentsAndDollarQuotesDoNotEnd() {
        assertThat(ends("INSERT INTO t VALUES ('a;\n")).isFalse();
        assertThat(ends("INSERT INTO t VALUES (E'it\\'s;\n")).isFalse();
        assertThat(ends("SELECT \"odd;\n")).isFalse();
        assertThat(ends("SELECT 1 /* outer /* inner */ still;\n")).isFalse();
        assertThat(ends("CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\n")).isFalse();
        assertThat(ends("SELECT 1; /* trailing and open\n")).isFalse();
    }

    @Test
    void closedConstructsEndWhereSplitWouldEnd() {
        assertThat(ends("CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql;\n"))
                .isTrue();
        assertThat(ends("INSERT INTO t VALUES ('it''s;', E'\\';');\n")).isTrue();
    }

    @Test
    void semicolonsThatSplitWouldNotEndOnDoNotEnd() {
        assertThat(ends("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1);\n")).isFalse();
        assertThat(ends("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\n")).isFalse();
        assertThat(ends("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC\n  SELECT 1;\nEND;\n")).isTrue();
    }
}
