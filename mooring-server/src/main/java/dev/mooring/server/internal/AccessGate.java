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
            refuseOtherSites(ctx);
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

    /**
     * A tokenless loopback port trusts the machine, not every web page open in a browser on it. A page of another site
     * could send it a form (a conflict resolved with {@code text/plain}, no preflight) or, by DNS rebinding, read it
     * under a name of its own. So the request must be addressed to a loopback host, and a browser's request must come
     * from the admin port's own pages: {@code Sec-Fetch-Site} same-origin or none (typed in), and an {@code Origin},
     * when sent, on a loopback host. Clients that are not browsers (curl, Prometheus) send neither header.
     */
    private static void refuseOtherSites(Context ctx) {
        String host = ctx.header("Host");
        if (!loopbackHost(host)) {
            throw new MooringException(ErrorCode.AUTHENTICATION, "the admin port answers only requests addressed to a"
                    + " loopback host, such as http://127.0.0.1:" + ctx.port() + ", not " + (host == null
                    ? "a request without a Host header" : "to " + (host.length() > 80 ? host.substring(0, 80) + "…" : host)));
        }
        String site = ctx.header("Sec-Fetch-Site");
        String origin = ctx.header("Origin");
        boolean foreignSite = site != null && !site.equals("same-origin") && !site.equals("none");
        boolean foreignOrigin = origin != null && !loopbackHost(origin.replaceFirst("^[a-zA-Z]+://", ""));
        if (foreignSite || foreignOrigin) {
            throw new MooringException(ErrorCode.AUTHENTICATION, route(ctx) + " on the admin port is refused to a web"
                    + " page of another site; open the dashboard at http://127.0.0.1:" + ctx.port() + "/admin");
        }
    }

    /** Whether {@code host} (a Host header or an origin without its scheme: name, then maybe a port) is loopback. */
    static boolean loopbackHost(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String name = host.trim().toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("[")) {
            int end = name.indexOf(']');
            return end > 0 && name.substring(1, end).equals("::1");
        }
        int colon = name.indexOf(':');
        name = colon < 0 ? name : name.substring(0, colon);
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
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
