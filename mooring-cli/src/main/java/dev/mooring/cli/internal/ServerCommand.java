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

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.SyncedTable;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;
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

    @Option(names = "--json", description = "Print the start-up line (and later notes) as JSON, one document per"
            + " line: where it listens, the database (password masked), the synced tables, and how to create a token.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        requireListenable(host, port); // before the database starts: a busy port is the likelier mistake
        SyncTarget db = SyncTarget.openForServer(target, System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        HikariDataSource pool = null;
        try {
            InstallReport installed = SyncSchema.install(db.dataSource, db.config);
            pool = pool(db);
            HikariDataSource connections = pool;
            SyncServer server = SyncServer.start(pool, db.config, ServerOptions.defaults().withHost(host)
                    .withPort(port).withServerSchemaVersion(db.schemaVersion).withMinimumClientVersion(minimumClientVersion)
                    .withPackagesDir(packagesDir));
            announce(out, db, installed, server);
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

    /**
     * Fails, naming the port and the fix, when the server could not listen there: Javalin would report it too, but
     * only after logging an error line of its own, and after the database started.
     */
    private static void requireListenable(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Cannot listen on " + host + ": port " + port + " is in"
                    + " use, perhaps by another mooring server. Stop that, or choose another port with --port"
                    + freePortNear(host, port) + ".");
        } catch (IOException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); check --host and --port.");
        }
    }

    /** " (N is free)" for the first free port after {@code port}, or nothing. */
    private static String freePortNear(String host, int port) {
        for (int candidate = port + 1; candidate <= Math.min(port + 20, 65535); candidate++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(host, candidate));
                return " (" + candidate + " is free)";
            } catch (IOException e) {
                // taken too: try the next
            }
        }
        return "";
    }

    private void announce(PrintWriter out, SyncTarget db, InstallReport installed, SyncServer server) {
        String createToken = tokenCommand(db);
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("listening", server.uri() + "/v1");
            doc.put("host", host);
            doc.put("port", server.port());
            doc.put("database", db.url.redacted());
            doc.put("tables", db.config.tables().stream().map(SyncedTable::name).toList());
            doc.put("installed", installed);
            doc.put("createToken", createToken);
            Output.jsonLine(out, doc);
        } else {
            Output.text(out, "Sync installed on " + db.url.redacted() + ": " + describe(installed) + "\n"
                    + "Serving " + db.config.tables().size() + " synced tables at " + server.uri() + "/v1"
                    + " (Ctrl+C stops). Create a token " + (db.example ? "for the demo user" : "for a user")
                    + " with: " + createToken);
        }
        out.flush();
    }

    /**
     * The command that creates a token on this server's database, as a person runs it: for the example app, a
     * token of the quickstart's demo user, whose devices sync with it; for another database, one of a user to name.
     */
    static String tokenCommand(SyncTarget db) {
        if (db.example) {
            return PrintedCommand.of("token", "create", "--user", QuickstartSync.DEMO_USER, "--url", db.commandLineUrl);
        }
        return PrintedCommand.of("token", "create", "--url", db.commandLineUrl) + " --user <user id>"
                + (db.passwordOnlyInUrl ? " (set $MOORING_PASSWORD to the database password first)" : "");
    }

    /** A line about the running server: with --json, {@code {"note": "..."}}. */
    private void note(PrintWriter out, String text) {
        if (json) {
            Output.jsonLine(out, Map.of("note", text));
        } else {
            Output.text(out, text);
        }
        out.flush();
    }

    /** Removes history older than the tombstone retention; a failure is reported and retried in an hour. */
    private void prune(HikariDataSource connections, SyncTarget db, PrintWriter out) {
        try {
            SyncMaintenance.PruneReport report = SyncMaintenance.prune(connections, db.config);
            long purged = report.tombstonesPurged().values().stream().mapToLong(Long::longValue).sum();
            if (report.changesPruned() > 0 || purged > 0) {
                note(out, "Pruned sync history older than " + db.config.tombstoneRetention().toDays() + " days: "
                        + report.changesPruned() + " change(s), " + purged + " tombstoned row(s).");
            }
        } catch (RuntimeException e) {
            note(out, "warning: could not prune the sync history (retrying in an hour): " + e.getMessage());
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
