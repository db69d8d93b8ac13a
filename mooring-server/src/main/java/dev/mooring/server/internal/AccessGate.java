package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.Caller;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.security.RouteRole;

import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Predicate;

/**
 * Lets a request reach its route or refuses it, by the route's {@link Access} and the port it came in on; installed
 * as a Javalin {@code beforeMatched} handler, so an unknown path still gets its 404. The caller it finds is kept on
 * the request for the route ({@link #caller}, {@link #user}, {@link #scope}).
 *
 * <ul>
 *   <li>No token, or one the server does not know: 401 (the probes need none).</li>
 *   <li>A user token on an admin route, or on another user's sessions or conflicts: 403 saying an admin token is
 *       needed and how to create one.</li>
 *   <li>An admin token on a sync route: 403, since an admin token syncs as nobody.</li>
 *   <li>A sync route on the admin port: 404 naming the main port.</li>
 *   <li>An admin or scoped route on an admin port bound to a loopback address: no token needed, the network boundary
 *       stands in for it; the caller is {@link #ADMIN_PORT}.</li>
 * </ul>
 * Stateless apart from its settings; thread-safe.
 */
public final class AccessGate {
    /** Who calls through a loopback admin port: an administrator known by where they are, not by a token. */
    public static final Caller ADMIN_PORT = new Caller("admin-port", true);
    static final String CREATE_ADMIN_TOKEN = "create one with mooring token create --admin";
    private static final String CALLER = "mooring.caller";

    private final Function<String, Optional<Caller>> identify;
    private final Predicate<Context> onAdminPort;
    private final boolean adminPortOnLoopback;
    private final IntSupplier mainPort;

    /**
     * @param identify            the caller a bearer token stands for ({@code Tokens::identify})
     * @param onAdminPort         whether a request came in on the admin port
     * @param adminPortOnLoopback whether the admin port is bound to a loopback address
     * @param mainPort            the main port, named when a sync route is asked for on the admin port
     */
    public AccessGate(Function<String, Optional<Caller>> identify, Predicate<Context> onAdminPort,
                      boolean adminPortOnLoopback, IntSupplier mainPort) {
        this.identify = identify;
        this.onAdminPort = onAdminPort;
        this.adminPortOnLoopback = adminPortOnLoopback;
        this.mainPort = mainPort;
    }

    /** The {@code beforeMatched} handler. */
    public void check(Context ctx) {
        Access access = access(ctx.routeRoles(), ctx);
        if (access == Access.OPEN) {
            return;
        }
        boolean adminPort = onAdminPort.test(ctx);
        if (adminPort && access == Access.SYNC) {
            throw new HttpResponseException(404, route(ctx) + " is not served on the admin port; the sync API is on"
                    + " port " + mainPort.getAsInt());
        }
        if (adminPort && adminPortOnLoopback) {
            ctx.attribute(CALLER, ADMIN_PORT);
            return;
        }
        Caller caller = authenticate(ctx, access == Access.ADMIN || adminPort);
        if (caller.admin() && access == Access.SYNC) {
            throw new MooringException(ErrorCode.AUTHENTICATION, route(ctx) + " needs a user token: an admin token"
                    + " syncs as nobody; create one with mooring token create --user <id>");
        }
        if (!caller.admin() && (access == Access.ADMIN || adminPort)) {
            throw new MooringException(ErrorCode.AUTHENTICATION, route(ctx) + " needs an admin token; "
                    + CREATE_ADMIN_TOKEN);
        }
        ctx.attribute(CALLER, caller);
    }

    /** Who called; set for every route but the open ones. */
    public static Caller caller(Context ctx) {
        return ctx.attribute(CALLER);
    }

    /** The user a sync route acts for. */
    public static String user(Context ctx) {
        return caller(ctx).userId();
    }

    /**
     * Whose records a {@link Access#SCOPED} route shows: a user token's own user; for an admin, the user named by
     * {@code ?user=}, or {@code null} for everyone.
     *
     * @param what the records, for the message ("sessions")
     * @throws MooringException {@code AUTHENTICATION} when a user token names another user
     */
    public static String scope(Context ctx, String what) {
        Caller caller = caller(ctx);
        String named = ctx.queryParam("user");
        named = named == null || named.isBlank() ? null : named;
        if (caller.admin()) {
            return named;
        }
        if (named != null && !named.equals(caller.userId())) {
            throw new MooringException(ErrorCode.AUTHENTICATION, route(ctx) + "?user=" + named + " needs an admin"
                    + " token: a user token sees only its own " + what + "; " + CREATE_ADMIN_TOKEN);
        }
        return caller.userId();
    }

    private Caller authenticate(Context ctx, boolean adminRoute) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Caller caller = token == null ? null : identify.apply(token).orElse(null);
        if (caller == null) {
            throw new HttpErrors.Unauthorized(token != null ? "the bearer token is not valid or was revoked"
                    : "send a bearer token: Authorization: Bearer <token> (" + (adminRoute ? CREATE_ADMIN_TOKEN
                    : "create one with mooring token create") + ")");
        }
        return caller;
    }

    /** The route's one {@link Access}; a route registered without one is refused rather than left open. */
    private static Access access(Set<RouteRole> roles, Context ctx) {
        for (RouteRole role : roles) {
            if (role instanceof Access access) {
                return access;
            }
        }
        throw new IllegalStateException("the route " + route(ctx) + " was registered without an Access role");
    }

    private static String route(Context ctx) {
        return ctx.method() + " " + ctx.path();
    }
}
