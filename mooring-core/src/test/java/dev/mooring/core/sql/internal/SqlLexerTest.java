package dev.mooring.core.sql.internal;

import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSyntax;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlLexerTest {

    private static List<String> tokens(SqlLexer lexer) {
        List<String> tokens = new ArrayList<>();
        while (lexer.next() != null) {
            tokens.add(lexer.type() + " " + lexer.tokenText());
        }
        return tokens;
    }

    @Test
    void lenientLexerRunsUnterminatedConstructsToTheEnd() {
        assertThat(tokens(SqlLexer.lenient("a 'b c", SqlSyntax.SQLITE))).containsExactly("WORD a", "WHITESPACE  ", "STRING 'b c");
        assertThat(tokens(SqlLexer.lenient("\"b\"\"", SqlSyntax.SQLITE))).containsExactly("QUOTED_IDENTIFIER \"b\"\"");
        assertThat(tokens(SqlLexer.lenient("[b", SqlSyntax.SQLITE))).containsExactly("QUOTED_IDENTIFIER [b");
        assertThat(tokens(SqlLexer.lenient("`b", SqlSyntax.SQLITE))).containsExactly("QUOTED_IDENTIFIER `b");
        assertThat(tokens(SqlLexer.lenient("/* b /* c */", SqlSyntax.POSTGRESQL))).containsExactly("BLOCK_COMMENT /* b /* c */");
        assertThat(tokens(SqlLexer.lenient("$x$ b", SqlSyntax.POSTGRESQL))).containsExactly("DOLLAR_STRING $x$ b");
        assertThat(tokens(SqlLexer.lenient("E'b\\", SqlSyntax.POSTGRESQL))).containsExactly("STRING E'b\\");
    }

    @Test
    void defaultLexerStillRejectsUnterminatedConstructs() {
        for (String text : List.of("'b", "\"b\"\"", "[b", "`b", "/* b")) {
            SqlLexer lexer = new SqlLexer(text, SqlSyntax.SQLITE);
            assertThatThrownBy(() -> tokens(lexer)).as(text).isInstanceOf(MooringException.class);
        }
    }

    @Test
    void nextCodeSkipsWhiteSpaceAndComments() {
        SqlLexer lexer = new SqlLexer(" a /* b */ -- c\n'd'", SqlSyntax.SQLITE);
        assertThat(lexer.nextCode()).isEqualTo(SqlLexer.TokenType.WORD);
        assertThat(lexer.tokenText()).isEqualTo("a");
        assertThat(lexer.nextCode()).isEqualTo(SqlLexer.TokenType.STRING);
        assertThat(lexer.start()).isEqualTo(16);
        assertThat(lexer.nextCode()).isNull();
    }

    @Test
    void unquoteRemovesQuotesAndUndoesDoubling() {
        assertThat(SqlLexer.unquote("\"a\"\"b\"")).isEqualTo("a\"b");
        assertThat(SqlLexer.unquote("`a``b`")).isEqualTo("a`b");
        assertThat(SqlLexer.unquote("[a\"\"b]")).isEqualTo("a\"\"b");
        assertThat(SqlLexer.unquote("U&\"a\"")).isEqualTo("a");
        assertThat(SqlLexer.unquote("\"\"")).isEmpty();
        assertThat(SqlLexer.unquote("\"\"\"\"")).isEqualTo("\"");
    }

    @Test
    void unquoteKeepsAllOfATokenCutShortByTheEnd() {
        assertThat(SqlLexer.unquote("\"ab")).isEqualTo("ab");
        assertThat(SqlLexer.unquote("\"ab\"\"")).isEqualTo("ab\"");
        assertThat(SqlLexer.unquote("\"")).isEmpty();
        assertThat(SqlLexer.unquote("[ab")).isEqualTo("ab");
        assertThat(SqlLexer.unquote("`")).isEmpty();
    }
}
