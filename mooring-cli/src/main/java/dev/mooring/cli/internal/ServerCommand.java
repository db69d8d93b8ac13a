package dev.mooring.cli.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.InstallReport;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncMaintenance;
import dev.mooring.server.SyncServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code mooring server}: installs sync on the database (bookkeeping schema, capture triggers; a no-op when current)
 * and serves the HTTP sync API until SIGTERM or Ctrl+C, then stops gracefully: running requests finish, the embedded
 * PostgreSQL (if any) shuts down. At start and every hour it prunes history older than the tombstone retention
 * ({@link SyncMaintenance}).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the sync server: install change capture on the database and serve the HTTP sync API (/v1)"
                + " until stopped. Without --url: an embedded PostgreSQL under ./mooring-data with the example app.")
public final class ServerCommand implements Callable<Integer> {
    @Mixin
    SyncTarget.Options target;

    @Option(names = "--port", defaultValue = "" + ServerOptions.DEFAULT_PORT, description = "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--host", defaultValue = "localhost",
            description = "The interface to listen on; 0.0.0.0 for all. Default: ${DEFAULT-VALUE}.")
    String host;

    @Option(names = "--min-client-version", paramLabel = "VERSION",
            description = "Refuse clients whose schema version is older (their handshake says: upgrade required).")
    String minimumClientVersion;

    @Option(names = "--packages", paramLabel = "DIR", description = "Where to write the data packages clients order"
            + " (POST /v1/packages). Default: none, clients download only packages cut with mooring package create.")
    java.nio.file.Path packagesDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        SyncTarget db = SyncTarget.open(target, System.getenv(), "the server");
        CountDownLatch stopped = new CountDownLatch(1);
        HikariDataSource pool = null;
        try {
            InstallReport installed = SyncSchema.install(db.dataSource, db.config);
            pool = pool(db);
            HikariDataSource connections = pool;
            SyncServer server = SyncServer.start(pool, db.config, ServerOptions.defaults().withHost(host)
                    .withPort(port).withServerSchemaVersion(db.schemaVersion).withMinimumClientVersion(minimumClientVersion)
                    .withPackagesDir(packagesDir));
            Output.text(out, "Sync installed on " + db.url.redacted() + ": " + describe(installed) + "\n"
                    + "Serving " + db.config.tables().size() + " synced tables at " + server.uri() + "/v1"
                    + " (Ctrl+C stops). Create a client token with: mooring token create --user <id>"
                    + " --url " + db.commandLineUrl);
            out.flush();
            ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mooring-sync-maintenance");
                t.setDaemon(true);
                return t;
            });
            maintenance.scheduleWithFixedDelay(() -> prune(connections, db, out), 0, 1, TimeUnit.HOURS);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                maintenance.shutdownNow();
                server.close();
                connections.close();
                db.close();
                stopped.countDown();
            }, "mooring-server-shutdown"));
            stopped.await();
            return 0;
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            db.close();
            throw e;
        }
    }

    /** Removes history older than the tombstone retention; a failure is reported and retried in an hour. */
    private static void prune(HikariDataSource connections, SyncTarget db, PrintWriter out) {
        try {
            SyncMaintenance.PruneReport report = SyncMaintenance.prune(connections, db.config);
            long purged = report.tombstonesPurged().values().stream().mapToLong(Long::longValue).sum();
            if (report.changesPruned() > 0 || purged > 0) {
                Output.text(out, "Pruned sync history older than " + db.config.tombstoneRetention().toDays() + " days: "
                        + report.changesPruned() + " change(s), " + purged + " tombstoned row(s).");
                out.flush();
            }
        } catch (RuntimeException e) {
            Output.text(out, "warning: could not prune the sync history (retrying in an hour): " + e.getMessage());
            out.flush();
        }
    }

    /** Requests share a small pool: opening a PostgreSQL connection per request would cost more than the request. */
    private static HikariDataSource pool(SyncTarget db) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource);
        config.setMaximumPoolSize(Math.max(4, 4 * Runtime.getRuntime().availableProcessors()));
        config.setPoolName("mooring-server");
        return new HikariDataSource(config);
    }

    static String describe(InstallReport r) {
        if (r.noChange()) {
            return "already up to date (" + r.triggersUpToDate().size() + " capture triggers)";
        }
        return (r.schemaMigrations().isEmpty() ? "" : "bookkeeping schema at " + r.schemaVersion() + ", ")
                + "capture triggers created for " + (r.triggersCreated().isEmpty() ? "none" : String.join(", ", r.triggersCreated()))
                + (r.triggersRemoved().isEmpty() ? "" : ", removed from " + String.join(", ", r.triggersRemoved()));
    }
}
