package dev.mooring.server;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.ChangeResult;
import dev.mooring.sync.ChangeStatus;
import dev.mooring.sync.PushResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The sync server's metrics, in a Micrometer {@link MeterRegistry}, named for Prometheus ({@code mooring_} prefix,
 * base units, {@code _total} on counters); {@code GET /metrics} serves them in Prometheus text format when the
 * registry is (or holds) a {@link PrometheusMeterRegistry}.
 *
 * <p>Counted as requests are served: requests by route, method and status
 * ({@code mooring_http_requests_seconds}), pushed and pulled changes and bytes, pushed changes by result (superseded
 * and queued ones are the conflicts this instance saw), rejected changes by reason, sync sessions by kind and outcome, package generations by whether the cache
 * served them. Read from the database every {@link #REFRESH} by a thread of its own, never while a scrape waits, so
 * that metrics keep answering when the database is down ({@code mooring_database_up} is then 0 and the other values
 * are the last ones read): conflicts of the last hour by rule (every instance's), the change log's size, the age of the oldest change some node has not pulled, pending
 * conflicts and known nodes. Also live connections, and, in a registry of its own ({@link #bindJvm}), the JVM's
 * memory, GC, threads, class loading, CPU and uptime. Thread-safe.
 */
public final class SyncMetrics implements AutoCloseable {
    /**
     * How often the values read from the database are read again: each read counts the change log, about 0.15 s per
     * million rows (measured on 1 and 5 million), as often as the health alerts read it by default.
     */
    public static final Duration REFRESH = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(SyncMetrics.class);

    private final MeterRegistry registry;
    private final DataSource dataSource;
    private final ScheduledExecutorService refresher;
    private final JvmGcMetrics gc; // null when the registry's owner binds the JVM's metrics
    private final MultiGauge conflictsByRule;
    private volatile HealthReport last;
    private volatile boolean databaseUp;
    private volatile boolean warned;

    private SyncMetrics(MeterRegistry registry, DataSource dataSource, boolean refresh, boolean ownRegistry) {
        this.registry = registry;
        this.dataSource = dataSource;
        this.gc = ownRegistry ? bindJvm(registry) : null;
        gauge("mooring.database.up", "1 when the last read of the sync bookkeeping succeeded, 0 when it failed", null,
                () -> databaseUp ? 1 : 0);
        gauge("mooring.change_log.rows", "rows in the change log", null,
                () -> last == null ? Double.NaN : last.changeLogRows());
        gauge("mooring.change_log.oldest_undelivered.age", "how old the oldest change some node has not pulled is;"
                + " 0 when every node is up to date", "seconds", () -> last == null ? Double.NaN
                : last.oldestUndeliveredChange() == null ? 0
                : Math.max(0, Duration.between(last.oldestUndeliveredChange(), Instant.now()).toMillis() / 1000.0));
        gauge("mooring.conflicts.pending", "conflicts waiting for a person", null,
                () -> last == null ? Double.NaN : last.pendingConflicts());
        gauge("mooring.nodes", "client nodes the server knows", null, () -> last == null ? Double.NaN : last.nodes());
        this.conflictsByRule = MultiGauge.builder("mooring.conflicts.last_hour")
                .description("conflicts the server recorded in the last hour (every instance's), by the rule that"
                        + " decided them").register(registry);
        this.refresher = refresh ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-metrics");
            t.setDaemon(true);
            return t;
        }) : null;
        if (refresher != null) {
            refresher.scheduleWithFixedDelay(this::refreshNow, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Metrics in {@code registry} (null: a new {@link PrometheusMeterRegistry}) over the sync bookkeeping in
     * {@code dataSource}, read again every {@link #REFRESH}.
     */
    public static SyncMetrics create(MeterRegistry registry, DataSource dataSource) {
        return new SyncMetrics(registry == null ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : registry,
                dataSource, true, registry == null);
    }

    /**
     * Binds the JVM's metrics (memory, GC, threads, class loading, CPU, uptime) to {@code registry}: for the owner of a
     * registry given to {@link #create}, which binds them only to a registry of its own (an application framework
     * binds them itself, and binding the GC's twice would count every pause twice). Close the returned binder with
     * the registry.
     */
    public static JvmGcMetrics bindJvm(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return gc;
    }

    /** The registry the metrics are in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The metrics in Prometheus text format; empty when the registry holds no {@link PrometheusMeterRegistry}. */
    public Optional<String> scrape() {
        return prometheus(registry).map(PrometheusMeterRegistry::scrape);
    }

    private static Optional<PrometheusMeterRegistry> prometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry p) {
            return Optional.of(p);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry inner : composite.getRegistries()) {
                Optional<PrometheusMeterRegistry> found = prometheus(inner);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** Reads the values that come from the database now; the refresher does this every {@link #REFRESH}. */
    public void refreshNow() {
        try {
            last = SyncHealth.report(dataSource);
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            conflictsLastHour().forEach((rule, count) -> rows.add(MultiGauge.Row.of(Tags.of("rule", rule), count)));
            conflictsByRule.register(rows, true);
            databaseUp = true;
            warned = false;
        } catch (RuntimeException e) {
            databaseUp = false;
            if (!warned) {
                warned = true;
                LOG.warn("Metrics could not read the sync bookkeeping ({}); mooring_database_up is 0 until they can",
                        e.getMessage());
            }
        }
    }

    private Map<String, Long> conflictsLastHour() {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rule, count(*) FROM mooring.conflicts"
                     + " WHERE created_at > now() - interval '1 hour' GROUP BY rule")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not count the conflicts by rule: " + e.getMessage(), e);
        }
        return counts;
    }

    /** Registers a gauge of {@code value} that Prometheus names {@code name} in base unit {@code unit}. */
    public void gauge(String name, String description, String unit, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).baseUnit(unit).strongReference(true).register(registry);
    }

    void request(String route, String method, int status, long nanos) {
        Timer.builder("mooring.http.requests").description("HTTP requests served, by route, method and status")
                .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void session(String kind, boolean ok) {
        counter("mooring.sync.sessions", "sync requests recorded as sessions, by kind and outcome", null)
                .tag("kind", kind).tag("outcome", ok ? "ok" : "failed").register(registry).increment();
    }

    void pushed(PushResponse response, long bytes) {
        counter("mooring.push", "bytes of push request bodies as received", "bytes").register(registry)
                .increment(bytes);
        for (ChangeResult result : response.results()) {
            counter("mooring.push.changes", "pushed changes, by what the server did with them", null)
                    .tag("result", result.status().wireName()).register(registry).increment();
            if (result.status() == ChangeStatus.REJECTED) {
                counter("mooring.rejected.changes", "pushed changes the server refused, by reason", null)
                        .tag("reason", RejectionReason.of(result.reason())).register(registry).increment();
            }
        }
    }

    void pulled(int changes, long bytes) {
        counter("mooring.pull.changes", "changes sent to pulling clients", null).register(registry).increment(changes);
        counter("mooring.pull", "bytes of pull response bodies before compression", "bytes").register(registry)
                .increment(bytes);
    }

    void packageGenerated(boolean reused) {
        counter("mooring.package.generations", "data packages ordered, by whether the cache served them", null)
                .tag("cache", reused ? "hit" : "miss").register(registry).increment();
    }

    private static Counter.Builder counter(String name, String description, String unit) {
        return Counter.builder(name).description(description).baseUnit(unit);
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (gc != null) {
            gc.close();
        }
    }

    /** The reason label of a rejected change: one of a few kinds, so that the label's values stay few. */
    static final class RejectionReason {
        /** What the write rules and the reference checks say when the user may not make a change. */
        private static final java.util.List<String> PERMISSION = java.util.List.of("another user", "shared with you",
                "you may not", "you cannot", "clients cannot change", "your own", "not yours", "owned through");

        private RejectionReason() {
        }

        static String of(String reason) {
            String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
            if (r.startsWith("the database refused it")) {
                return "database";
            }
            if (r.startsWith("the change is from node") || r.startsWith("the change was made by node")) {
                return "node";
            }
            for (String refusal : PERMISSION) {
                if (r.contains(refusal)) {
                    return "permission";
                }
            }
            return "invalid";
        }
    }
}
