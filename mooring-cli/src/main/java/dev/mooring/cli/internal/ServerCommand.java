package dev.mooring.cli.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.server.InstallReport;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mooring server}: installs sync on the database (bookkeeping schema, capture triggers; a no-op when current)
 * and serves the HTTP sync API until SIGTERM or Ctrl+C, then stops gracefully: running requests finish, the embedded
 * PostgreSQL (if any) shuts down.
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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        SyncTarget db = SyncTarget.open(target, System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        HikariDataSource pool = null;
        try {
            InstallReport installed = SyncSchema.install(db.dataSource, db.config);
            pool = pool(db);
            HikariDataSource connections = pool;
            SyncServer server = SyncServer.start(pool, db.config, ServerOptions.defaults().withHost(host)
                    .withPort(port).withServerSchemaVersion(db.schemaVersion).withMinimumClientVersion(minimumClientVersion));
            Output.text(out, "Sync installed on " + db.url.redacted() + ": " + describe(installed) + "\n"
                    + "Serving " + db.config.tables().size() + " synced tables at " + server.uri() + "/v1"
                    + " (Ctrl+C stops). Create a client token with: mooring token create --user <id>"
                    + " --url " + db.commandLineUrl);
            out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
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
