package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static dev.mooring.server.SyncTestSupport.execute;
import static dev.mooring.server.SyncTestSupport.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokensTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    Tokens tokens;

    @BeforeEach
    void install() throws Exception {
        execute(pg.dataSource(), SyncTestSupport.SCHEMA);
        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());
        tokens = Tokens.create(pg.dataSource());
    }

    @Test
    void issuedTokensAreRandomAndShapedLikeMtAnd43Base64urlCharacters() {
        IssuedToken a = tokens.issue("u1", "phone");
        IssuedToken b = tokens.issue("u1", "phone");

        assertThat(a.token()).matches("mt_[A-Za-z0-9_-]{43}");
        assertThat(b.token()).isNotEqualTo(a.token());
        assertThat(a.userId()).isEqualTo("u1");
        assertThat(a.label()).isEqualTo("phone");
        assertThat(a.createdAt()).isNotNull();
    }

    @Test
    void onlyTheSha256OfATokenIsStored() throws Exception {
        IssuedToken issued = tokens.issue("u1", "laptop");

        String table = scalar(pg.dataSource(), "SELECT string_agg(t::text, '|') FROM mooring.tokens t");

        assertThat(table).doesNotContain(issued.token()).doesNotContain(issued.token().substring(3));
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(issued.token().getBytes(StandardCharsets.UTF_8));
        assertThat(scalar(pg.dataSource(), "SELECT token_hash FROM mooring.tokens"))
                .isEqualTo(HexFormat.of().formatHex(digest));
    }

    @Test
    void anIssuedTokenNeverPrintsItsToken() {
        IssuedToken issued = tokens.issue("u1", "ci");

        assertThat(issued.toString()).doesNotContain(issued.token()).contains("u1").contains("ci").contains("redacted");
    }

    @Test
    void aValidTokenAuthenticatesItsUserAndRecordsTheUse() throws Exception {
        IssuedToken issued = tokens.issue("u1", null);
        assertThat(scalar(pg.dataSource(), "SELECT last_used_at IS NULL FROM mooring.tokens")).isEqualTo("t");

        assertThat(tokens.authenticate(issued.token())).contains("u1");
        assertThat(scalar(pg.dataSource(), "SELECT last_used_at IS NOT NULL FROM mooring.tokens")).isEqualTo("t");
        assertThat(tokens.authenticate(issued.token())).as("a second use within the minute").contains("u1");
    }

    @Test
    void missingMalformedAndUnknownTokensAuthenticateNobodyWithoutThrowing() {
        String valid = tokens.issue("u1", null).token();
        char last = valid.charAt(valid.length() - 1);
        String unknown = valid.substring(0, valid.length() - 1) + (last == 'A' ? 'B' : 'A');

        for (String token : new String[]{null, "", "   ", "mt_short", "Bearer " + valid, valid + "x",
                valid.substring(3), "mt_" + "!".repeat(43), unknown}) {
            assertThat(tokens.authenticate(token)).as("%s", token).isEmpty();
        }
        assertThat(tokens.revoke("not a token")).isFalse();
    }

    @Test
    void aRevokedTokenNoLongerAuthenticatesAndRevokingAgainSaysSo() {
        IssuedToken phone = tokens.issue("u1", "phone");
        IssuedToken laptop = tokens.issue("u1", "laptop");

        assertThat(tokens.revoke(phone.token())).isTrue();
        assertThat(tokens.revoke(phone.token())).isFalse();

        assertThat(tokens.authenticate(phone.token())).isEmpty();
        assertThat(tokens.authenticate(laptop.token())).contains("u1");
    }

    @Test
    void revokeAllRevokesEveryActiveTokenOfOneUserOnly() {
        IssuedToken a = tokens.issue("u1", "a");
        IssuedToken b = tokens.issue("u1", "b");
        IssuedToken other = tokens.issue("u2", "a");
        tokens.revoke(b.token());

        assertThat(tokens.revokeAll("u1")).isEqualTo(1);
        assertThat(tokens.revokeAll("u1")).isZero();

        assertThat(tokens.authenticate(a.token())).isEmpty();
        assertThat(tokens.authenticate(other.token())).contains("u2");
    }

    @Test
    void aTokenNeedsAUser() {
        for (String user : new String[]{null, "", "  "}) {
            assertThatThrownBy(() -> tokens.issue(user, "x")).isInstanceOf(MooringException.class)
                    .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.USAGE);
        }
    }

    @Test
    void anAdminTokenIdentifiesAsAdminAndActsForNoUser() throws Exception {
        IssuedToken ops = tokens.issueAdmin("ops", "prometheus");
        IssuedToken user = tokens.issue("u1", "phone");

        assertThat(ops.admin()).isTrue();
        assertThat(user.admin()).isFalse();
        assertThat(ops.toString()).doesNotContain(ops.token()).contains("admin=true");
        assertThat(tokens.identify(ops.token())).contains(new Caller("ops", true));
        assertThat(tokens.identify(user.token())).contains(new Caller("u1", false));
        assertThat(tokens.authenticate(ops.token())).as("an admin token syncs as nobody").isEmpty();
        assertThat(scalar(pg.dataSource(), "SELECT string_agg(role, ',' ORDER BY role) FROM mooring.tokens"))
                .isEqualTo("admin,user");
        for (String holder : new String[]{null, " "}) {
            assertThatThrownBy(() -> tokens.issueAdmin(holder, "x")).isInstanceOf(MooringException.class)
                    .hasMessageContaining("an admin token needs the name of who holds it");
        }
    }

    @Test
    void tokensIssuedBeforeRolesExistedStayUserTokensAndNoOtherRoleIsStored() throws Exception {
        SyncSchema.migrator(pg.dataSource()).revertTo("20270103000000");
        execute(pg.dataSource(), "INSERT INTO mooring.tokens (token_hash, user_id) VALUES ('"
                + Tokens.hash("mt_" + "a".repeat(43)) + "', 'old-user')");

        SyncSchema.install(pg.dataSource(), SyncTestSupport.config());

        assertThat(tokens.identify("mt_" + "a".repeat(43))).contains(new Caller("old-user", false));
        assertThatThrownBy(() -> execute(pg.dataSource(), "UPDATE mooring.tokens SET role = 'root'"))
                .hasMessageContaining("tokens_role_check");
    }
}
