package dev.mooring.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.Access;
import dev.mooring.server.internal.AccessGate;
import dev.mooring.server.internal.DashboardFigures;
import dev.mooring.server.internal.DashboardFigures.Day;
import dev.mooring.server.internal.DashboardFigures.NodesBehind;
import dev.mooring.server.internal.DashboardFigures.UserVolume;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin dashboard: {@code GET /admin}, a static page whose script reads {@code GET /v1/admin/dashboard} and draws
 * it. The page, its script and its style sheet are resources beside this class and hold no data, so they are served
 * without a token ({@link Access#OPEN}); the figures are an admin route ({@link Access#ADMIN}). On the main port the
 * page asks for an admin token and sends it as {@code Authorization: Bearer}; on a loopback admin port it needs none.
 *
 * <p>Every dashboard response forbids inline script and style, framing, sniffing and referrers
 * ({@value #CONTENT_SECURITY_POLICY}); the script writes what it shows as text, never as markup. The figures are read
 * anew for each request and never cached ({@code Cache-Control: no-store}).
 *
 * <p>Thread-safe: it holds its settings and the page's bytes, read once.
 */
final class AdminDashboard {
    static final String FIGURES_PATH = "/v1/admin/dashboard";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** Days the chart shows, today included. */
    static final int DAYS = 14;
    /** Days the top users are ranked over, and the longer conflict rate is taken over. */
    static final int WEEK = 7;
    private static final int LISTED = 20;

    private final DataSource dataSource;
    private final ConflictQueue conflicts;
    private final Supplier<Map<String, HealthCheck.Result>> checks;
    private final HealthAlerts alerts; // null when the server raises none
    private final Runnable flushSessions;
    private final ObjectMapper json;
    private final Asset page = Asset.load("dashboard.html", "text/html; charset=utf-8");
    private final Asset script = Asset.load("dashboard.js", "text/javascript; charset=utf-8");
    private final Asset style = Asset.load("dashboard.css", "text/css; charset=utf-8");

    /**
     * @param checks        the server's health checks' results now
     * @param alerts        the server's health alerts; {@code null} without
     * @param flushSessions writes the sessions recorded but not yet stored, so the figures include them
     * @param json          the server's mapper (ISO-8601 instants)
     */
    AdminDashboard(DataSource dataSource, ConflictQueue conflicts, Supplier<Map<String, HealthCheck.Result>> checks,
                   HealthAlerts alerts, Runnable flushSessions, ObjectMapper json) {
        this.dataSource = dataSource;
        this.conflicts = conflicts;
        this.checks = checks;
        this.alerts = alerts;
        this.flushSessions = flushSessions;
        this.json = json;
    }

    /** Adds the page, its script and style sheet, and the figures to a server's routes. */
    void register(RoutesConfig routes) {
        routes.get("/admin", ctx -> send(ctx, page), Access.OPEN);
        routes.get("/admin/dashboard.js", ctx -> send(ctx, script), Access.OPEN);
        routes.get("/admin/dashboard.css", ctx -> send(ctx, style), Access.OPEN);
        routes.get(FIGURES_PATH, ctx -> {
            Figures figures = read(AccessGate.caller(ctx).userId());
            protect(ctx, "no-store");
            ctx.status(200).contentType("application/json").result(json.writeValueAsBytes(figures));
        }, Access.ADMIN);
    }

    /**
     * What the dashboard shows, as of now.
     *
     * @param generatedAt    when it was read (ages on the page are counted from it, not from the browser's clock)
     * @param viewer         who asked: the admin token's holder, or {@code admin-port}
     * @param health         the health report with the server's checks
     * @param alerts         the health alerts' states; {@code null} when the server raises none
     * @param syncsPerDay    the last {@value #DAYS} UTC days of {@code sync_analytics}, oldest first
     * @param conflictRate   conflicts per synced change, in the last hour and the last {@value #WEEK} days
     * @param failedSyncs    the latest failed sync requests, newest first
     * @param nodesBehind    nodes with changes waiting for them, the oldest backlog first
     * @param topUsers       users by changes synced in the last {@value #WEEK} days, most first
     * @param waiting        conflicts waiting for a person, newest first
     * @param recentConflicts the latest conflicts however they were decided, newest first
     */
    record Figures(Instant generatedAt, String viewer, HealthReport health, List<AlertFigure> alerts,
                   List<Day> syncsPerDay, ConflictRate conflictRate, List<SessionSummary> failedSyncs,
                   NodesBehind nodesBehind, List<UserVolume> topUsers, List<Conflict> waiting,
                   List<Conflict> recentConflicts) {
    }

    /** One health alert's state, with its value and threshold in words. */
    record AlertFigure(String key, boolean firing, double value, double threshold, String description,
                       String thresholdText, Instant since, Instant evaluatedAt) {
    }

    /** Conflicts per synced change (pushed or pulled), as {@link HealthReport#conflictRate()} counts them. */
    record ConflictRate(double lastHour, double lastWeek, long conflictsLastWeek, long changesLastWeek) {
    }

    Figures read(String viewer) {
        flushSessions.run();
        HealthReport health = SyncHealth.report(dataSource).withChecks(checks.get());
        List<Day> days;
        List<UserVolume> topUsers;
        NodesBehind behind;
        try (Connection c = dataSource.getConnection()) {
            days = DashboardFigures.syncsPerDay(c, DAYS);
            topUsers = DashboardFigures.topUsers(c, WEEK, LISTED / 2);
            behind = DashboardFigures.nodesBehind(c, LISTED / 2);
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not read the dashboard's figures: " + e.getMessage(), e);
        }
        List<Day> week = days.subList(Math.max(0, days.size() - WEEK), days.size());
        long weekConflicts = week.stream().mapToLong(Day::conflicts).sum();
        long weekChanges = week.stream().mapToLong(Day::changes).sum();
        return new Figures(Instant.now(), viewer, health, alerts == null ? null : alertFigures(),
                days, new ConflictRate(health.conflictRate(), (double) weekConflicts / Math.max(1, weekChanges),
                weekConflicts, weekChanges), SyncSessions.recent(dataSource, null, true, LISTED), behind, topUsers,
                conflicts.list(null, true, LISTED), conflicts.list(null, false, LISTED / 2));
    }

    private List<AlertFigure> alertFigures() {
        return alerts.states().stream().map(s -> new AlertFigure(s.name(), s.firing(), s.value(), s.threshold(),
                s.alert().describe(s.value()), s.alert().threshold(s.threshold()), s.since(), s.evaluatedAt())).toList();
    }

    private static void send(Context ctx, Asset asset) {
        // no-cache, not no-store: the browser may keep them, but asks whether they changed, so an upgraded server
        // never meets an old script
        protect(ctx, "no-cache");
        ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
    }

    private static void protect(Context ctx, String cacheControl) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", cacheControl);
    }

    /** A resource of the page, read once. */
    private record Asset(byte[] bytes, String contentType) {
        static Asset load(String name, String contentType) {
            try (InputStream in = AdminDashboard.class.getResourceAsStream("admin/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
                }
                return new Asset(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the dashboard's " + name, e);
            }
        }
    }
}
