package dev.mooring.core.sql;

import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeOnlyTest {

    private static String pg(String sql) {
        return SqlSplitter.codeOnly(sql, SqlSyntax.POSTGRESQL);
    }

    private static String lite(String sql) {
        return SqlSplitter.codeOnly(sql, SqlSyntax.SQLITE);
    }

    @Test
    void commentsBecomeOneSpaceAndWhitespaceCollapses() {
        assertThat(pg("  SELECT a, -- drop table x\n\t b /* DROP */FROM/**/t  ")).isEqualTo("SELECT a, b FROM t");
        assertThat(lite("SELECT  1 --x\n/* y */  \n + 2")).isEqualTo("SELECT 1 + 2");
    }

    @Test
    void commentsStillSeparateTokens() {
        assertThat(pg("SELECT 1-/**/-1")).isEqualTo("SELECT 1- -1");
    }

    @Test
    void stringLiteralsBecomeEmptyLiterals() {
        assertThat(pg("INSERT INTO t VALUES ('drop table x', E'it\\'s', U&'x', 'a''b')")).isEqualTo("INSERT INTO t VALUES ('', '', '', '')");
        assertThat(lite("INSERT INTO t VALUES ('drop column y', x'00')")).isEqualTo("INSERT INTO t VALUES ('', x'')");
    }

    @Test
    void dollarQuotedBodiesBecomeEmptyLiterals() {
        assertThat(pg("CREATE FUNCTION f() RETURNS void AS $body$ DROP TABLE t; $body$ LANGUAGE sql"))
                .isEqualTo("CREATE FUNCTION f() RETURNS void AS '' LANGUAGE sql");
        assertThat(pg("DO $$ BEGIN TRUNCATE t; END $$")).isEqualTo("DO ''");
    }

    @Test
    void quotedIdentifiersAreKeptBecauseTheyAreNames() {
        assertThat(pg("ALTER TABLE \"My Table\" DROP COLUMN \"a \"\"b\"\"\"")).isEqualTo("ALTER TABLE \"My Table\" DROP COLUMN \"a \"\"b\"\"\"");
        assertThat(lite("DROP TABLE [old data] ; DROP TABLE `x`")).isEqualTo("DROP TABLE [old data] ; DROP TABLE `x`");
    }

    @Test
    void syntaxDecidesWhatIsQuoted() {
        assertThat(lite("SELECT $$ -- x\n$$")).isEqualTo("SELECT $$ $$");
        assertThat(pg("SELECT [1]")).isEqualTo("SELECT [1]");
    }

    @Test
    void unterminatedConstructsThrow() {
        assertThatThrownBy(() -> pg("SELECT $x$ never closed")).isInstanceOf(MooringException.class)
                .hasMessageStartingWith("Unterminated dollar-quoted string $x$ starting on line 1");
    }
}
