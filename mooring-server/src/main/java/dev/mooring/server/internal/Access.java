package dev.mooring.server.internal;

import io.javalin.security.RouteRole;

/**
 * Who may call a route of the sync server, given to each route as its Javalin role and enforced by
 * {@link AccessGate} before the route runs. Adding an admin route is one line:
 * {@code config.routes.get("/metrics", handler, Access.ADMIN)}.
 */
public enum Access implements RouteRole {
    /** Anyone, without a token, on both ports: the probes. */
    OPEN,
    /** A user token, acting for its user, on the main port only: handshake, pull, push, live waits, packages. */
    SYNC,
    /**
     * A user token for its own user's records, an admin token for every user's ({@code ?user=} narrows to one): the
     * sessions and the conflict queue. Served on the admin port too, by {@link #ADMIN}'s rule.
     */
    SCOPED,
    /**
     * An admin token on the main port; on the admin port nothing when it is bound to a loopback address, else an
     * admin token: global health, metrics and the dashboard's figures.
     */
    ADMIN
}
