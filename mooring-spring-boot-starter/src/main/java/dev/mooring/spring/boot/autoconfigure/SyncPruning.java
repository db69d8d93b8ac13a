package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncMaintenance;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prunes sync history older than the tombstone retention ({@link SyncMaintenance#prune}) when the context starts and
 * then every {@code interval}, as {@code mooring server} does; an interval of 0 turns it off. A failed run is logged
 * and retried at the next one. Runs on one daemon thread of its own; started and stopped by the context.
 */
final class SyncPruning implements SmartLifecycle {
    private static final Log LOG = LogFactory.getLog(SyncPruning.class);

    private final DataSource dataSource;
    private final SyncConfig config;
    private final Duration interval;
    private ScheduledExecutorService executor;

    SyncPruning(DataSource dataSource, SyncConfig config, Duration interval) {
        this.dataSource = dataSource;
        this.config = config;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mooring-sync-pruning");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::prune, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    private void prune() {
        try {
            SyncMaintenance.PruneReport report = SyncMaintenance.prune(dataSource, config);
            long purged = report.tombstonesPurged().values().stream().mapToLong(Long::longValue).sum();
            if (report.changesPruned() > 0 || purged > 0) {
                LOG.info("Mooring pruned sync history older than " + config.tombstoneRetention().toDays() + " days: "
                        + report.changesPruned() + " change(s), " + purged + " tombstoned row(s).");
            }
        } catch (RuntimeException e) {
            LOG.warn("Mooring could not prune the sync history (retrying in " + interval + "): " + e.getMessage());
        }
    }
}
