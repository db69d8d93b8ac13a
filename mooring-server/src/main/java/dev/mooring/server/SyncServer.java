package dev.mooring.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.internal.Access;
import dev.mooring.server.internal.AccessGate;
import dev.mooring.server.internal.AdminPort;
import dev.mooring.server.internal.ChangeFeed;
import dev.mooring.server.internal.PullWriter;
import dev.mooring.server.internal.Requests;
import dev.mooring.server.internal.HttpErrors;
import dev.mooring.server.internal.JsonErrorPages;
import dev.mooring.sync.AvailablePackage;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.ErrorResponse;
import dev.mooring.sync.PackageOrder;
import dev.mooring.sync.Handshake;
import dev.mooring.sync.HandshakeResponse;
import dev.mooring.sync.PushRequest;
import dev.mooring.sync.PushResponse;
import dev.mooring.sync.SyncJson;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP sync API, JSON under {@code /v1}, on Javalin (Jetty). Every {@code /v1} route needs {@code Authorization:
 * Bearer <token>}; a user token's user sees and changes their own rows, public-read rows, and the rows the sharing
 * rules share with them. Who may call which route ({@link Access}, enforced by {@link AccessGate}):
 *
 * <ul>
 *   <li>sync routes (handshake, changes, packages) take a user token, and only on the main port;</li>
 *   <li>{@code /v1/sessions} and {@code /v1/conflicts} show a user token its own user's records, an admin token every
 *       user's ({@code ?user=<id>} narrows that to one user); an admin token resolves any conflict;</li>
 *   <li>admin routes ({@code GET /v1/health}) take an admin token; a user token gets 403 saying so;</li>
 *   <li>the probes {@code GET /healthz/live} (200 while the process serves) and {@code GET /healthz/ready} (200 when
 *       the database answers and the sync schema is fully installed, else 503 within about two seconds) take no
 *       token and answer only {@code {"status": "UP"}} or {@code {"status": "DOWN"}}.</li>
 * </ul>
 *
 * With {@link ServerOptions#adminPort()} the server listens on a second port that serves the admin routes, the
 * scoped ones and the probes, and answers sync routes with 404 naming the main port. Bound to a loopback address (the
 * default {@value ServerOptions#DEFAULT_ADMIN_HOST}) its routes need no token: only this machine can reach it, as
 * scrapers and sidecars expect. Bound to any other address they need an admin token, as on the main port.
 *
 * <p>The routes:
 * <ul>
 *   <li>{@code POST /v1/handshake} — node id, schema version, capabilities → compatible or upgrade required</li>
 *   <li>{@code GET /v1/changes?node=…&cursor=…&limit=…} — the next page of changes (a bootstrap first)</li>
 *   <li>{@code GET /v1/changes/wait?cursor=…&wait=20} — live sync: answers {@code {"changes": true}} as soon as a
 *       change the caller may see can be pulled after the cursor, {@code {"changes": false}} after {@code wait}
 *       seconds (1 to 25); see {@link LiveChanges}</li>
 *   <li>{@code POST /v1/changes} — a batch of one node's changes → a result per change</li>
 *   <li>{@code GET /v1/conflicts?user=&all=&limit=}, {@code POST /v1/conflicts/{id}/resolve} — the conflict queue:
 *       the caller's, or for an admin every user's</li>
 *   <li>{@code GET /v1/health} — the health report (admin); {@code GET /v1/sessions?user=&limit=} — recent sessions:
 *       the caller's, or for an admin every user's</li>
 *   <li>{@code GET /admin} — the admin dashboard, a page without data over {@code GET /v1/admin/dashboard} (admin)</li>
 *   <li>{@code GET /v1/packages} — the data packages the caller may download; {@code GET /v1/packages/{id}} — one
 *       of them, resumable with {@code Range}; {@code POST /v1/packages} — order one of the caller's rows (or a
 *       shared one), cut or served from the cache, when the server has a {@link ServerOptions#packagesDir()} (see
 *       {@link Packages})</li>
 * </ul>
 *
 * Every response carries the server's hybrid logical time in {@code X-Mooring-Time}. Responses are gzip-compressed
 * when the client accepts it; request bodies may come gzip-compressed ({@code Content-Encoding: gzip}). Bodies over
 * {@link ServerOptions#maxRequestBytes()}, on the wire or once inflated, get 413. Bad input of any kind
 * gets a 4xx with {@link ErrorResponse}; the server keeps serving. Thread-safe; {@link #close()} stops it gracefully.
 */
public final class SyncServer implements AutoCloseable {
    public static final int DEFAULT_PAGE = 500;

    private final Javalin app;
    /**
     * Users with a package being cut on their order: one at a time each, so orders cannot pile up snapshot reads and
     * files on the server (a second order meanwhile gets 429 with {@code Retry-After}).
     */
    private final Set<String> cutting = ConcurrentHashMap.newKeySet();
    private final DataSource dataSource;
    private final SyncService sync;
    private final Tokens tokens;
    private final ConflictQueue conflicts;
    private final SessionRecorder sessions;
    private final Packages packages;
    private final LiveChanges live;
    private final SyncMetrics metrics;
    private final HealthAlerts alerts; // null unless the options ask for alerts
    private final ServerOptions options;
    private final Readiness readiness;
    private final AdminPort adminPort = new AdminPort();
    // the protocol's strict mapper, plus ISO-8601 instants for the admin routes (conflicts, health, sessions)
    private final ObjectMapper json = SyncJson.mapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private SyncServer(DataSource dataSource, SyncService sync, ServerOptions options, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.sync = sync;
        this.options = options;
        this.readiness = Readiness.of(dataSource); // first: it may fail, and it starts no thread until asked
        this.tokens = Tokens.create(dataSource);
        this.conflicts = ConflictQueue.create(dataSource, sync);
        this.sessions = new SessionRecorder(dataSource);
        this.packages = Packages.create(dataSource, sync.config());
        this.live = LiveChanges.start(dataSource);
        this.metrics = SyncMetrics.create(registry, dataSource);
        metrics.gauge("mooring.live.connections", "live clients waiting for changes now", null, live::waiting);
        this.alerts = options.alerts() == null ? null : HealthAlerts.start(dataSource, options.alerts());
        if (alerts != null) {
            for (Alert alert : Alert.values()) {
                io.micrometer.core.instrument.Gauge.builder("mooring.alert", () -> firing(alert))
                        .description("1 while the health alert is firing, 0 when not (sync.yaml's alerts:)")
                        .tag("alert", alert.key()).strongReference(true).register(metrics.registry());
            }
        }
        AccessGate gate = new AccessGate(tokens::identify, adminPort::serves, options.adminPortOnLoopback(), this::port);
        this.app = Javalin.create(config -> {
            // the main connector first: Javalin's port() is the first connector's
            config.jetty.addConnector((jetty, http) -> AdminPort.connector(jetty, http, options.host(), options.port()));
            if (options.adminPort() != null) {
                config.jetty.addConnector((jetty, http) -> adminPort.open(jetty, http, options.adminHost(),
                        options.adminPort()));
            }
            config.http.maxRequestSize = options.maxRequestBytes();
            // level 1, not Javalin's 6: deflate took a sixth of the server's time serving bootstrap pages at 6
            // (ClientSyncBench); on a 10,000-event page level 1 takes about 40% of that time for a body a quarter larger
            config.http.compressionStrategy = new CompressionStrategy(null, new Gzip(1));
            config.startup.showJavalinBanner = false;
            // requests Jetty refuses before routing (a path with %00, say) get the JSON error body too, not HTML
            config.jetty.modifyServer(jetty -> jetty.setErrorHandler(new JsonErrorPages(json)));
            // no per-connection header cache: Jetty builds one of 96 KB on a connection's second request and keeps it as
            // long as the connection, which for a live client is as long as it is online (1,000 clients: 100 MB)
            config.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            config.requestLogger.http((ctx, ms) -> metrics.request(route(ctx), ctx.method().name(),
                    ctx.statusCode(), (long) (ms * 1_000_000)));
            config.routes.before("/v1/*", ctx -> ctx.header("X-Mooring-Time", sync.clock().now().toString()));
            config.routes.beforeMatched(gate::check);
            config.routes.get("/healthz/live", ctx -> probe(ctx, true), Access.OPEN);
            config.routes.get("/healthz/ready", ctx -> probe(ctx, readiness.ready()), Access.OPEN);
            config.routes.post("/v1/handshake", this::handshake, Access.SYNC);
            config.routes.get("/v1/changes", this::pull, Access.SYNC);
            config.routes.get("/v1/changes/wait", this::awaitChanges, Access.SYNC);
            config.routes.post("/v1/changes", this::push, Access.SYNC);
            config.routes.get("/v1/conflicts", this::listConflicts, Access.SCOPED);
            config.routes.post("/v1/conflicts/{id}/resolve", this::resolveConflict, Access.SCOPED);
            config.routes.get("/v1/health", ctx -> {
                sessions.flush();
                send(ctx, 200, SyncHealth.report(dataSource).withChecks(checks()));
            }, Access.ADMIN);
            config.routes.get("/v1/sessions", this::sessions, Access.SCOPED);
            config.routes.get("/metrics", this::scrape, Access.ADMIN);
            new AdminDashboard(dataSource, conflicts, this::checks, alerts, sessions::flush, json).register(config.routes);
            config.routes.get("/v1/packages", ctx -> send(ctx, 200,
                    new AvailablePackage.Listing(packages.available(user(ctx)))), Access.SYNC);
            config.routes.get("/v1/packages/{id}", this::downloadPackage, Access.SYNC);
            config.routes.post("/v1/packages", this::orderPackage, Access.SYNC);
            config.routes.exception(Exception.class, this::fail);
            // Javalin answers its own exceptions (413 for a body over the limit) as plain text unless told otherwise
            config.routes.exception(HttpResponseException.class, this::fail);
            config.routes.error(404, "*", ctx -> {
                if (ctx.resultInputStream() == null) { // a route's own 404 (an unknown package) says more
                    send(ctx, 404, new ErrorResponse("not_found", "there is no " + ctx.method() + " " + ctx.path()
                            + "; the API is under /v1"));
                }
            });
        });
    }

    /** A probe's answer: a status and nothing else, whatever the reason. */
    private void probe(Context ctx, boolean up) throws JsonProcessingException {
        ctx.header("Cache-Control", "no-store");
        send(ctx, up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
    }

    /** The health checks' results now; a check that throws is reported unhealthy with its error. */
    private Map<String, HealthCheck.Result> checks() {
        Map<String, HealthCheck.Result> results = new LinkedHashMap<>();
        options.healthChecks().forEach((name, check) -> {
            HealthCheck.Result result;
            try {
                result = check.check();
            } catch (RuntimeException e) {
                result = new HealthCheck.Result(false, "could not check: " + e.getMessage(), null);
            }
            results.put(name, result);
        });
        return results;
    }

    /**
     * Starts a server for {@code config} on a database where {@link SyncSchema#install} has run.
     *
     * @throws MooringException {@code CONFIGURATION} when a synced table cannot sync or the port is taken
     */
    public static SyncServer start(DataSource dataSource, SyncConfig config, ServerOptions options) {
        return start(dataSource, config, options, null);
    }

    /**
     * As {@link #start(DataSource, SyncConfig, ServerOptions)}, with its metrics in {@code registry} (an application's
     * own; null: a {@link io.micrometer.prometheusmetrics.PrometheusMeterRegistry} of the server's). {@code GET
     * /metrics} serves them when the registry is or holds a Prometheus registry.
     */
    public static SyncServer start(DataSource dataSource, SyncConfig config, ServerOptions options,
                                   MeterRegistry registry) {
        Objects.requireNonNull(options, "options");
        if (options.packagesDir() != null && !java.nio.file.Files.isDirectory(options.packagesDir())) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The packages folder " + options.packagesDir()
                    + " does not exist; create it, or start without one.");
        }
        SyncServer server = new SyncServer(Objects.requireNonNull(dataSource, "dataSource"),
                SyncService.create(dataSource, config), options, registry);
        try {
            server.app.start();
        } catch (RuntimeException e) {
            server.sessions.close();
            server.live.close();
            server.readiness.close();
            server.metrics.close();
            server.closeAlerts();
            throw new MooringException(ErrorCode.CONFIGURATION, "Could not listen on " + options.host() + ":"
                    + options.port() + (options.adminPort() == null ? "" : " and the admin port " + options.adminHost()
                    + ":" + options.adminPort()) + " (" + e.getMessage() + "); choose another --port"
                    + (options.adminPort() == null ? "" : " or --admin-port") + ".", e);
        }
        return server;
    }

    /** The port it listens on (the chosen one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** The base URI, e.g. {@code http://localhost:8630}. */
    public URI uri() {
        String host = options.host().equals("0.0.0.0") ? "localhost" : options.host();
        return URI.create("http://" + host + ":" + port());
    }

    /**
     * The admin port's base URI, e.g. {@code http://127.0.0.1:8631}, when the server has one (with the chosen port when
     * started with port 0).
     */
    public Optional<URI> adminUri() {
        String host = options.adminHost().equals("0.0.0.0") ? "localhost" : options.adminHost();
        return adminPort.localPort().stream().mapToObj(port -> URI.create("http://"
                + (host.contains(":") ? "[" + host + "]" : host) + ":" + port)).findFirst();
    }

    /** The options it was started with. */
    public ServerOptions options() {
        return options;
    }

    public SyncService sync() {
        return sync;
    }

    /** The health alerts it raises ({@link ServerOptions#withAlerts}); empty when started without. */
    public Optional<HealthAlerts> alerts() {
        return Optional.ofNullable(alerts);
    }

    /** Stops accepting requests, lets running ones finish, and stops. */
    @Override
    public void close() {
        // waiting clients are answered first: Jetty's graceful stop would otherwise wait for their waits to run out
        live.close();
        app.stop();
        sessions.close();
        readiness.close();
        metrics.close();
        closeAlerts();
    }

    /** {@code GET /metrics}: Prometheus's text format (0.0.4), which every Prometheus version scrapes. */
    private void scrape(Context ctx) throws JsonProcessingException {
        Optional<String> text = metrics.scrape();
        if (text.isEmpty()) {
            send(ctx, 404, new ErrorResponse("not_found", "this server records its metrics in the application's own"
                    + " registry, which is not a Prometheus one; read them where the application publishes it"));
            return;
        }
        ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8").result(text.get());
    }

    /** The server's metrics ({@code GET /metrics}). */
    public SyncMetrics metrics() {
        return metrics;
    }

    /** A request's route for the metrics: the path it matched, with its parameters unfilled; unmatched for none. */
    private static String route(Context ctx) {
        try {
            return ctx.endpoints().matchedHttpEndpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private int firing(Alert alert) {
        return alerts.states().stream().anyMatch(state -> state.alert() == alert && state.firing()) ? 1 : 0;
    }

    private void closeAlerts() {
        if (alerts != null) {
            alerts.close();
        }
    }

    private void handshake(Context ctx) throws IOException {
        long started = System.nanoTime();
        Handshake h = read(ctx, Handshake.class);
        HandshakeResponse response = sync.handshake(user(ctx), h, options.serverSchemaVersion(),
                options.minimumClientVersion());
        sessions.record(h.nodeId(), user(ctx), "handshake", millis(started), 0, 0, 0,
                response.compatible(), response.compatible() ? null : response.message());
        metrics.session("handshake", response.compatible());
        send(ctx, 200, response);
    }

    private void pull(Context ctx) throws IOException {
        long started = System.nanoTime();
        String node = ctx.queryParam("node");
        if (node == null || node.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "name the pulling node: GET /v1/changes?node=<node id>");
        }
        int limit = intParam(ctx, "limit", DEFAULT_PAGE);
        try {
            ChangeFeed.Page page = sync.pullPage(user(ctx), node, ctx.queryParam("cursor"), limit);
            sessions.record(node, user(ctx), "pull", millis(started), page.changes().size(), 0, 0,
                    true, null);
            byte[] body = PullWriter.write(json, page, sync.clock().now());
            metrics.session("pull", true);
            metrics.pulled(page.changes().size(), body.length);
            ctx.status(200).contentType("application/json").result(body);
        } catch (MooringException e) {
            sessions.record(node, user(ctx), "pull", millis(started), 0, 0, 0, false, e.getMessage());
            metrics.session("pull", false);
            throw e;
        }
    }

    /**
     * A live client's wait: answers {@code {"changes": true}} as soon as a change the user may see can be pulled after
     * {@code cursor}, or {@code {"changes": false}} after {@code wait} seconds; no thread waits with it.
     */
    private void awaitChanges(Context ctx) {
        int seconds = intParam(ctx, "wait", (int) LiveChanges.MAX_WAIT.toSeconds() - 5);
        java.util.concurrent.CompletableFuture<Boolean> changed = live.await(user(ctx), ctx.queryParam("cursor"),
                java.time.Duration.ofSeconds(Math.max(0, seconds)));
        ctx.future(() -> changed.thenAccept(any -> {
            try {
                send(ctx, 200, new dev.mooring.sync.LiveWakeup(any));
            } catch (JsonProcessingException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
    }

    /** The live wake-ups this server answers (clients waiting now: {@link LiveChanges#waiting()}). */
    public LiveChanges live() {
        return live;
    }

    private void push(Context ctx) throws IOException {
        long started = System.nanoTime();
        PushRequest request = read(ctx, PushRequest.class);
        try {
            PushResponse response = sync.push(user(ctx), request);
            sessions.record(request.nodeId(), user(ctx), "push", millis(started),
                    response.results().size(), count(response, ChangeStatus.CONFLICT_QUEUED),
                    count(response, ChangeStatus.REJECTED), true, null);
            metrics.session("push", true);
            metrics.pushed(response, ctx.bodyAsBytes().length);
            send(ctx, 200, response);
        } catch (MooringException e) {
            sessions.record(request.nodeId(), user(ctx), "push", millis(started), 0, 0, 0, false,
                    e.getMessage());
            metrics.session("push", false);
            throw e;
        }
    }

    private void listConflicts(Context ctx) throws IOException {
        boolean all = "true".equals(ctx.queryParam("all"));
        send(ctx, 200, conflicts.list(AccessGate.scope(ctx, "conflicts"), !all, intParam(ctx, "limit", 100)));
    }

    private void resolveConflict(Context ctx) throws IOException {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new MooringException(ErrorCode.USAGE, "conflict id '" + ctx.pathParam("id") + "' is not a number");
        }
        Resolution resolution = Requests.resolution(read(ctx, com.fasterxml.jackson.databind.JsonNode.class));
        Caller caller = AccessGate.caller(ctx);
        send(ctx, 200, conflicts.resolve(id, caller.admin() ? null : caller.userId(), resolution, caller.userId()));
    }

    private void orderPackage(Context ctx) throws IOException {
        PackageOrder order = read(ctx, PackageOrder.class);
        if (options.packagesDir() == null) {
            throw new MooringException(ErrorCode.USAGE, "this server cuts no packages on request (it was started"
                    + " without a packages folder); download one it has: GET /v1/packages");
        }
        String user = user(ctx);
        if (!cutting.add(user)) {
            ctx.header("Retry-After", "5");
            send(ctx, 429, new ErrorResponse("busy", "a package you ordered is being cut; order again once it is"
                    + " done (an unchanged one is then served from the cache)"));
            return;
        }
        try {
            PackageGeneration cut = packages.order(user, order, options.packagesDir());
            metrics.packageGenerated(cut.reused());
            send(ctx, 200, packages.download(user, cut.manifest().id()).orElseThrow().info());
        } finally {
            cutting.remove(user);
        }
    }

    private void downloadPackage(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        Packages.Download download = packages.download(user(ctx), id).orElse(null);
        if (download == null) {
            // the same answer for another user's package as for none: ids of others are not revealed
            send(ctx, 404, new ErrorResponse("not_found", "there is no package " + id + " for you; GET /v1/packages"
                    + " lists the ones there are"));
        } else if (!PackageDownloads.send(ctx, download)) {
            send(ctx, 416, new ErrorResponse("range_not_satisfiable", "the package is " + download.info().size()
                    + " bytes; ask for a range that starts before its end"));
        }
    }

    private void sessions(Context ctx) throws IOException {
        int limit = intParam(ctx, "limit", 50);
        sessions.flush();
        send(ctx, 200, SyncSessions.recent(dataSource, AccessGate.scope(ctx, "sessions"), limit));
    }

    private void fail(Exception e, Context ctx) {
        HttpErrors.Failure failure = HttpErrors.describe(e);
        if (failure.status() == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        try {
            send(ctx, failure.status(), failure.body());
        } catch (IOException io) {
            ctx.status(failure.status());
        }
    }

    private <T> T read(Context ctx, Class<T> type) throws IOException {
        return Requests.read(json, ctx, type, options.maxRequestBytes());
    }

    private void send(Context ctx, int status, Object body) throws JsonProcessingException {
        ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    }

    private static int intParam(Context ctx, String name, int fallback) {
        return Requests.intParam(ctx, name, fallback);
    }

    private static String user(Context ctx) {
        return AccessGate.user(ctx);
    }

    private static int count(PushResponse response, ChangeStatus status) {
        return (int) response.results().stream().filter(r -> r.status() == status).count();
    }

    private static long millis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
