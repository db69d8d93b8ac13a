package dev.mooring.server;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token as issued: the only time its text exists outside the client that holds it, since the server keeps
 * only its SHA-256. {@link #toString()} leaves the token out, so a logged value never leaks it. Immutable.
 *
 * @param token     the bearer token, {@code mt_} and 43 base64url characters; hand it to the user once
 * @param userId    whose token it is: the user a user token acts for, the holder's name for an admin token
 * @param label     what it is for ("phone", "ci"), {@code null} when none was given
 * @param createdAt when it was issued
 * @param admin     whether it is an admin token (see {@link Caller})
 */
public record IssuedToken(String token, String userId, String label, Instant createdAt, boolean admin) {
    public IssuedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A user token. */
    public IssuedToken(String token, String userId, String label, Instant createdAt) {
        this(token, userId, label, createdAt, false);
    }

    /** Everything but the token. */
    @Override
    public String toString() {
        return "IssuedToken[token=<redacted>, userId=" + userId + ", label=" + label + ", createdAt=" + createdAt
                + ", admin=" + admin + "]";
    }
}
