package dev.mooring.server;

import java.util.Objects;

/**
 * Who sent a request, as its bearer token says ({@link Tokens#identify}). Immutable.
 *
 * <p>A user token acts for its user: it syncs that user's rows and sees that user's sessions and conflicts. An admin
 * token syncs as nobody; it reads what spans every user (the global health report, every user's sessions, the whole
 * conflict queue) and may resolve any conflict. Its {@code userId} names who holds it ({@code admin} unless another
 * name was given), for the record: it is what {@code last_used_at} and a resolved conflict's {@code resolved_by}
 * show, never a user whose rows it reaches.
 *
 * @param userId the user a user token acts for; the holder's name for an admin token
 * @param admin  whether it is an admin token
 */
public record Caller(String userId, boolean admin) {
    public Caller {
        Objects.requireNonNull(userId, "userId");
    }
}
