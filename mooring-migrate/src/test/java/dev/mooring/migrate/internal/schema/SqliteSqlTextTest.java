package dev.mooring.migrate.internal.schema;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteSqlTextTest {

    @Test
    void whiteSpaceCommentsCaseAndQuotingAreNormalizedAway() {
        assertThat(SqliteSqlText.normalize("""
                CREATE  INDEX "Posts_Idx" ON [posts] ( `Title` COLLATE NOCASE, author_id ) -- by title (see #12)
                  WHERE /* live rows */ deleted_at IS NULL;
                """)).isEqualTo("create index posts_idx on posts(title collate nocase, author_id) where deleted_at is null");
    }

    @Test
    void stringLiteralsKeepTheirCaseAndSpacing() {
        assertThat(SqliteSqlText.normalize("DEFAULT 'Draft  Mode' || X'0a'"))
                .isEqualTo("default 'Draft  Mode' || x'0a'");
    }

    @Test
    void identifiersThatNeedQuotesKeepThem() {
        assertThat(SqliteSqlText.normalize("SELECT \"Order Total\", [a\"b] FROM t"))
                .isEqualTo("select \"order total\", \"a\"\"b\" from t");
    }

    @Test
    void negativeNumbersStayTogetherAndSubtractionIsSpaced() {
        assertThat(SqliteSqlText.normalize("DEFAULT -1")).isEqualTo("default -1");
        assertThat(SqliteSqlText.normalize("-1.5e3")).isEqualTo("-1.5e3");
        assertThat(SqliteSqlText.normalize("CHECK (x>-1 AND y-1<>z)")).isEqualTo("check(x > -1 and y - 1 <> z)");
        assertThat(SqliteSqlText.normalize("a - - 1")).isEqualTo("a - -1");
    }

    @Test
    void numbersAreOneTokenWithTheirDecimalPointExponentSignAndHexDigits() {
        assertThat(SqliteSqlText.tokenize("1.5 .5 1. 1e5 1e-5 1.5E+3 .5e-2 1.e5 1.e-5 0x1F 1_000"))
                .allMatch(t -> t.type() == SqliteSqlText.TokenType.NUMBER)
                .extracting(SqliteSqlText.Token::text)
                .containsExactly("1.5", ".5", "1.", "1e5", "1e-5", "1.5E+3", ".5e-2", "1.e5", "1.e-5", "0x1F", "1_000");
    }

    @Test
    void numberPartsSeparatedByWhiteSpaceOrOperatorsStayApart() {
        assertThat(tokens("1 . 5")).containsExactly("NUMBER 1", "PUNCTUATION .", "NUMBER 5");
        assertThat(tokens("1.5-3 0x1e-5 t.c")).containsExactly("NUMBER 1.5", "OPERATOR -", "NUMBER 3",
                "NUMBER 0x1e", "OPERATOR -", "NUMBER 5", "WORD t", "PUNCTUATION .", "WORD c");
    }

    @Test
    void blobLiteralsAreOneString() {
        assertThat(tokens("X'0A' x'ff' x 'ab' ax'cd'")).containsExactly(
                "STRING X'0A'", "STRING x'ff'", "WORD x", "STRING 'ab'", "WORD ax", "STRING 'cd'");
    }

    @Test
    void operatorsAreWholeOnlyWhenTheirCharactersTouch() {
        assertThat(tokens("a->>b->c<=d>=e<>f!=g==h||i<<j>>k")).filteredOn(t -> t.startsWith("OPERATOR"))
                .containsExactly("OPERATOR ->>", "OPERATOR ->", "OPERATOR <=", "OPERATOR >=", "OPERATOR <>",
                        "OPERATOR !=", "OPERATOR ==", "OPERATOR ||", "OPERATOR <<", "OPERATOR >>");
        assertThat(tokens("< = | /* c */ | <<= -- c\n>")).containsExactly("OPERATOR <", "OPERATOR =", "OPERATOR |",
                "OPERATOR |", "OPERATOR <<", "OPERATOR =", "OPERATOR >");
    }

    @Test
    void everyQuoteStyleGivesTheUnquotedName() {
        assertThat(tokens("\"a\"\"b\" [x \"y] `c``d` 'e''f'")).containsExactly(
                "QUOTED_IDENTIFIER a\"b", "QUOTED_IDENTIFIER x \"y", "QUOTED_IDENTIFIER c`d", "STRING 'e''f'");
    }

    @Test
    void unterminatedQuotesAndCommentsRunToTheEnd() {
        assertThat(tokens("a \"b c")).containsExactly("WORD a", "QUOTED_IDENTIFIER b c");
        assertThat(tokens("a \"b\"\"")).containsExactly("WORD a", "QUOTED_IDENTIFIER b\"");
        assertThat(tokens("a [b c")).containsExactly("WORD a", "QUOTED_IDENTIFIER b c");
        assertThat(tokens("a `b")).containsExactly("WORD a", "QUOTED_IDENTIFIER b");
        assertThat(tokens("a 'b c")).containsExactly("WORD a", "STRING 'b c");
        assertThat(tokens("a X'0")).containsExactly("WORD a", "STRING X'0");
        assertThat(tokens("a /* b")).containsExactly("WORD a");
    }

    @Test
    void aQuotedIdentifierThatRendersAsAKeywordSpacesLikeIt() {
        // found by normalizingTwiceChangesNothing: "Default"-1 became "default - 1", then "default -1"
        String once = SqliteSqlText.normalize("\"Default\"-1");
        assertThat(once).isEqualTo("default -1");
        assertThat(SqliteSqlText.normalize(once)).isEqualTo(once);
    }

    @Property
    void normalizingTwiceChangesNothing(@ForAll("sqlLike") String sql) {
        String once = SqliteSqlText.normalize(sql);
        assertThat(SqliteSqlText.normalize(once)).isEqualTo(once);
    }

    @Property
    void whiteSpaceBetweenTokensNeverMatters(@ForAll("tokens") List<String> tokens) {
        assertThat(SqliteSqlText.normalize(String.join("  \n ", tokens)))
                .isEqualTo(SqliteSqlText.normalize(String.join(" ", tokens)));
    }

    private static List<String> tokens(String sql) {
        return SqliteSqlText.tokenize(sql).stream().map(t -> t.type() + " " + t.text()).toList();
    }

    /** Anything made of SQL pieces, unterminated quotes included. */
    @Provide
    Arbitrary<String> sqlLike() {
        List<String> pieces = new ArrayList<>(pieces());
        pieces.addAll(List.of("\"", "'", "[", "`"));
        return Arbitraries.of(pieces).list().ofMaxSize(30).map(parts -> String.join("", parts));
    }

    /** Whole tokens, so that white space between them cannot fall inside a quote. */
    @Provide
    Arbitrary<List<String>> tokens() {
        return Arbitraries.of(pieces()).list().ofMaxSize(30);
    }

    private static List<String> pieces() {
        return List.of("CREATE", "table", "Default", "\"Quoted Name\"", "[br]", "`bt`", "'it''s'", "x'0A'",
                "(", ")", ",", "-", "+", "*", "/", "1", "2.5e3", ".5", "0x1F", "-- comment\n", "/* c */", " ", "\n",
                ">=", "<>", "||", "->>", ".", ";", "abc", "\u00dcn\u00ef");
    }
}
