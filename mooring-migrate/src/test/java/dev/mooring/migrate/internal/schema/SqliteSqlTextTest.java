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
