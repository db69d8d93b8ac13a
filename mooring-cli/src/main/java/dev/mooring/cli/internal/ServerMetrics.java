package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.SyncMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The registry of {@code mooring server}'s metrics: Prometheus's for {@code GET /metrics}, and OTLP's when asked. */
final class ServerMetrics {
    private ServerMetrics() {
    }

    /**
     * A Prometheus registry; with {@code otlpUrl}, one that also pushes every {@code every} to that OTLP/HTTP endpoint.
     *
     * @throws MooringException {@code USAGE} when the URL is not http(s) or the interval is under a second
     */
    static MeterRegistry registry(URI otlpUrl, Duration every) {
        // the process lives as long as the registry, so the JVM binders are never closed
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (otlpUrl == null) {
            SyncMetrics.bindJvm(prometheus);
            return prometheus;
        }
        if (!List.of("http", "https").contains(String.valueOf(otlpUrl.getScheme())) || otlpUrl.getHost() == null) {
            throw new MooringException(ErrorCode.USAGE, "--otlp-url must be an http or https URL such as"
                    + " http://localhost:4318/v1/metrics, was " + otlpUrl.getScheme() + ":…");
        }
        if (every.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MooringException(ErrorCode.USAGE, "--otlp-every must be at least 1s, was " + every);
        }
        OtlpConfig config = key -> switch (key) {
            case "otlp.url" -> otlpUrl.toString();
            case "otlp.step" -> every.toString();
            case "otlp.resourceAttributes" -> "service.name=mooring-server";
            default -> null;
        };
        CompositeMeterRegistry both = new CompositeMeterRegistry();
        both.add(prometheus);
        both.add(new OtlpMeterRegistry(config, Clock.SYSTEM));
        SyncMetrics.bindJvm(both);
        return both;
    }
}
