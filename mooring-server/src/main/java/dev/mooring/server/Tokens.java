package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.SqlValues;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer tokens, kept in {@code mooring.tokens} as the SHA-256 of the token and nothing else: a copy of the table
 * authenticates nobody. A token is {@code mt_} followed by 32 random bytes in base64url (43 characters). A token is a
 * user token, which acts for one user, or an admin token, which syncs as nobody and reads what spans every user
 * (see {@link Caller}). Thread-safe; one instance per server.
 *
 * <pre>{@code
 * Tokens tokens = Tokens.create(dataSource);
 * IssuedToken issued = tokens.issue("user-1", "phone");              // show issued.token() once
 * IssuedToken ops = tokens.issueAdmin("ops", "prometheus");          // an admin token held by "ops"
 * Optional<Caller> caller = tokens.identify(bearerFromTheRequest);   // who, and whether admin
 * }</pre>
 */
public final class Tokens {
    static final String PREFIX = "mt_";
    /** The values of {@code mooring.tokens.role}. */
    private static final String USER = "user";
    private static final String ADMIN = "admin";
    private static final Pattern SHAPE = Pattern.compile("mt_[A-Za-z0-9_-]{43}");

    private final DataSource dataSource;
    private final SecureRandom random = new SecureRandom();

    private Tokens(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Tokens over a database where {@link SyncSchema#install} has run. */
    public static Tokens create(DataSource dataSource) {
        return new Tokens(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * A new user token for {@code userId}; only its hash is stored.
     *
     * @param label what the token is for, shown in listings; may be {@code null}
     * @throws MooringException {@code USAGE} when {@code userId} is null or blank
     */
    public IssuedToken issue(String userId, String label) {
        return issue(userId, label, false);
    }

    /**
     * A new admin token; only its hash is stored. It syncs as nobody: {@code holder} only names who holds it, for the
     * record (see {@link Caller}).
     *
     * @param holder who holds it, such as {@code admin} or {@code ops}; {@link #revokeAll} takes this name too
     * @param label  what the token is for ("prometheus", "on-call"); may be {@code null}
     * @throws MooringException {@code USAGE} when {@code holder} is null or blank
     */
    public IssuedToken issueAdmin(String holder, String label) {
        return issue(holder, label, true);
    }

    private IssuedToken issue(String userId, String label, boolean admin) {
        if (userId == null || userId.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, (admin ? "an admin token needs the name of who holds it; the"
                    + " name was " : "a token needs the id of the user it is for; the user id was ")
                    + (userId == null ? "missing" : "blank"));
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO mooring.tokens (token_hash, user_id, label, role) VALUES (?, ?, ?, ?) RETURNING created_at")) {
            ps.setString(1, hash(token));
            ps.setString(2, userId);
            ps.setString(3, label);
            ps.setString(4, admin ? ADMIN : USER);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new IssuedToken(token, userId, label, SqlValues.instant(rs, 1), admin);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not store a new token: " + e.getMessage(), e);
        }
    }

    /**
     * The user a user token acts for, when it is a user token this server issued and nobody revoked; empty otherwise,
     * including for admin tokens (which act for no user) and for {@code null}, blank and malformed text. See
     * {@link #identify} for both kinds.
     *
     * @throws MooringException {@code DATABASE} only when the database cannot be asked
     */
    public Optional<String> authenticate(String token) {
        return identify(token).filter(caller -> !caller.admin()).map(Caller::userId);
    }

    /**
     * Who holds a token and whether it is an admin token, when it is one this server issued and nobody revoked;
     * empty otherwise, including for {@code null}, blank and malformed text. Records when the token was last used, at
     * most once a minute per token so that every request does not write.
     *
     * @throws MooringException {@code DATABASE} only when the database cannot be asked
     */
    public Optional<Caller> identify(String token) {
        if (!wellFormed(token)) {
            return Optional.empty();
        }
        String sql = """
                WITH hit AS (SELECT token_hash, user_id, role, last_used_at FROM mooring.tokens
                              WHERE token_hash = ? AND revoked_at IS NULL),
                     touched AS (UPDATE mooring.tokens t SET last_used_at = now() FROM hit
                                  WHERE t.token_hash = hit.token_hash
                                    AND (hit.last_used_at IS NULL OR hit.last_used_at < now() - interval '1 minute'))
                SELECT user_id, role FROM hit
                """;
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, hash(token));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Caller(rs.getString(1), ADMIN.equals(rs.getString(2))))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not check a token: " + e.getMessage(), e);
        }
    }

    /** Revokes one token; {@code true} when it was active (false for unknown, malformed or already revoked). */
    public boolean revoke(String token) {
        return wellFormed(token) && revokeWhere("token_hash = ?", hash(token), "a token") == 1;
    }

    /**
     * Revokes every active token of {@code userId} (user tokens of that user, and admin tokens held under that name);
     * returns how many there were.
     */
    public int revokeAll(String userId) {
        Objects.requireNonNull(userId, "userId");
        return revokeWhere("user_id = ?", userId, "the tokens of " + userId);
    }

    private int revokeWhere(String condition, String value, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE mooring.tokens SET revoked_at = now() WHERE revoked_at IS NULL AND " + condition)) {
            ps.setString(1, value);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not revoke " + what + ": " + e.getMessage(), e);
        }
    }

    private static boolean wellFormed(String token) {
        return token != null && SHAPE.matcher(token).matches();
    }

    /** The stored form: lower-case hex of SHA-256 over the token's UTF-8 bytes. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
