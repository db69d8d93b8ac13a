package dev.mooring.cli.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupRun;
import dev.mooring.backup.BackupSchedule;
import dev.mooring.backup.BackupScheduleStatus;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.server.InstallReport;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncMaintenance;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * ({@link SyncMaintenance}). It raises the health alerts of the configuration's {@code alerts:} section.
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

    @Option(names = "--admin-port", paramLabel = "PORT", description = "Also listen on PORT for the admin routes"
            + " (GET /v1/health, /v1/sessions, /v1/conflicts) and the probes (/healthz/live, /healthz/ready), and"
            + " serve no sync there; 0 picks a free one. On a loopback --admin-host its routes need no token, on any"
            + " other an admin token. Default: none.")
    Integer adminPort;

    @Option(names = "--admin-host", paramLabel = "HOST", description = "The interface --admin-port listens on."
            + " Default: " + ServerOptions.DEFAULT_ADMIN_HOST + " (this machine only, so no token is needed there).")
    String adminHost;

    @Option(names = "--min-client-version", paramLabel = "VERSION",
            description = "Refuse clients whose schema version is older (their handshake says: upgrade required).")
    String minimumClientVersion;

    @Option(names = "--packages", paramLabel = "DIR", description = "Where to write the data packages clients order"
            + " (POST /v1/packages). Default: none, clients download only packages cut with mooring package create.")
    java.nio.file.Path packagesDir;

    @Option(names = "--otlp-url", paramLabel = "URL", description = "Also push the metrics of GET /metrics to an"
            + " OpenTelemetry collector's OTLP/HTTP endpoint, such as http://localhost:4318/v1/metrics, every"
            + " --otlp-every. Default: none.")
    java.net.URI otlpUrl;

    @Option(names = "--otlp-every", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "60s",
            description = "How often to push to --otlp-url. Default: ${DEFAULT-VALUE}.")
    java.time.Duration otlpEvery;

    @Option(names = "--json", description = "Print the start-up line (and later notes) as JSON, one document per"
            + " line: where it listens (admin: the --admin-port URL), the database (password masked), the synced tables, and how"
            + " to create a token.")
    boolean json;

    @Option(names = "--backup-every", paramLabel = "DURATION", converter = DurationConverter.class, description = "Back"
            + " up the database every DURATION (such as 24h) while the server runs: the first backup DURATION after the"
            + " newest one already in --backup-to, or at once. Each run is a line of output; the last run's state and"
            + " exit code are in GET /v1/health under checks.backup.")
    Duration backupEvery;

    @Option(names = "--backup-to", paramLabel = "DIR|s3://BUCKET/PREFIX", description = "Where the scheduled backups"
            + " go: a folder, or a bucket and prefix in S3. " + StoreOptions.CREDENTIALS + " Default: dumps.")
    String backupTo;

    @Mixin
    StoreOptions backupStore;

    @Option(names = "--keep-days", paramLabel = "N", description = "After each successful scheduled backup, delete"
            + " backups older than N days there (never the newest verified one). Default: keep every backup.")
    Integer keepDays;

    @Option(names = "--keep-last", paramLabel = "N", defaultValue = "0", description = "With --keep-days, also keep"
            + " the N newest verified backups. Default: ${DEFAULT-VALUE}.")
    int keepLast;

    @Option(names = "--verify", description = "Prove each scheduled backup by restoring it into a scratch database"
            + " (an embedded PostgreSQL started for the check); a backup that fails it makes the run fail.")
    boolean verify;

    @Option(names = "--backup-encrypt", description = "Encrypt the scheduled backups with the passphrase in $"
            + BackupConfig.PASSPHRASE_VARIABLE + ".")
    boolean backupEncrypt;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        requireListenable(host, port, "--port"); // before the database starts: a busy port is the likelier mistake
        if (adminPort != null) {
            requireListenable(adminHost(), adminPort, "--admin-port");
        } else if (adminHost != null) {
            throw new MooringException(ErrorCode.USAGE, "--admin-host applies with --admin-port: add --admin-port PORT");
        }
        requireBackupEveryForBackupOptions();
        SyncTarget db = SyncTarget.openForServer(target, System.getenv());
        CountDownLatch stopped = new CountDownLatch(1);
        HikariDataSource pool = null;
        BackupSchedule backups = null;
        MeterRegistry registry = null;
        try {
            InstallReport installed = SyncSchema.install(db.dataSource, db.config);
            // one registry for the pool's, the backups' and the server's metrics: GET /metrics serves them all
            registry = ServerMetrics.registry(otlpUrl, otlpEvery);
            pool = pool(db, registry);
            HikariDataSource connections = pool;
            ServerOptions options = ServerOptions.defaults().withHost(host)
                    .withPort(port).withServerSchemaVersion(db.schemaVersion).withMinimumClientVersion(minimumClientVersion)
                    .withPackagesDir(packagesDir).withAlerts(db.config.alerts()).withAdminHost(adminHost());
            if (adminPort != null) {
                options = options.withAdminPort(adminPort);
            }
            if (backupEvery != null) {
                backups = startBackups(db, out, registry);
                BackupSchedule schedule = backups;
                options = options.withHealthCheck("backup", () -> ScheduledBackups.health(schedule.status()));
            }
            SyncServer server = SyncServer.start(pool, db.config, options, registry);
            if (backups != null) {
                ScheduledBackups.bindMetrics(backups, server.metrics());
            }
            announce(out, db, installed, server);
            BackupSchedule schedule = backups;
            MeterRegistry metrics = registry;
            ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mooring-sync-maintenance");
                t.setDaemon(true);
                return t;
            });
            maintenance.scheduleWithFixedDelay(() -> prune(connections, db, out), 0, 1, TimeUnit.HOURS);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                maintenance.shutdownNow();
                if (schedule != null) {
                    schedule.close();
                }
                server.close();
                connections.close();
                metrics.close(); // an OTLP registry pushes what it has left
                db.close();
                stopped.countDown();
            }, "mooring-server-shutdown"));
            stopped.await();
            return 0;
        } catch (RuntimeException e) {
            if (backups != null) {
                backups.close();
            }
            if (pool != null) {
                pool.close();
            }
            if (registry != null) {
                registry.close();
            }
            db.close();
            throw e;
        }
    }

    /** --backup-to and the rest configure --backup-every's backups: alone they would silently do nothing. */
    private void requireBackupEveryForBackupOptions() {
        if (backupEvery != null) {
            if (keepDays == null && keepLast > 0) {
                throw new MooringException(ErrorCode.USAGE, "--keep-last applies with --keep-days: add --keep-days N");
            }
            ScheduledBackups.plan(backupEvery, null, false, List.of()); // an interval it refuses, before the database starts
            return;
        }
        List<String> given = new ArrayList<>();
        if (backupTo != null) {
            given.add("--backup-to");
        }
        if (keepDays != null || keepLast > 0) {
            given.add(keepDays != null ? "--keep-days" : "--keep-last");
        }
        if (verify) {
            given.add("--verify");
        }
        if (backupEncrypt) {
            given.add("--backup-encrypt");
        }
        if (!backupStore.options().equals(dev.mooring.backup.S3Options.DEFAULT)) {
            given.add("--s3-endpoint, --s3-path-style and --s3-region");
        }
        if (!given.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, String.join(", ", given) + " configure"
                    + (given.size() == 1 ? "s" : "") + " scheduled backups: add --backup-every DURATION (such as 24h)");
        }
    }

    /** Starts the backup schedule; its runs are lines of output. Fails at once when --backup-to cannot be read. */
    private BackupSchedule startBackups(SyncTarget db, PrintWriter out, MeterRegistry registry) {
        String to = backupTo == null ? "dumps" : backupTo;
        BackupConfig config = BackupConfig.defaults().withLocation(backupStore.location(to, List.of(to)))
                .withEncrypt(backupEncrypt);
        RetentionPolicy retention = ScheduledBackups.retention(keepDays, keepLast);
        BackupSchedule.Listener listener = new BackupSchedule.Listener() {
            @Override
            public void scheduled(BackupScheduleStatus status) {
                note(out, ScheduledBackups.started(db.url.redacted(), status, retention, verify) + ".");
            }

            @Override
            public void finished(BackupRun run, BackupScheduleStatus status) {
                ScheduledBackups.countRun(registry, run);
                if (json) {
                    synchronized (out) {
                        Output.jsonLine(out, Map.of("backup", ScheduledBackups.json(run, status)));
                        out.flush();
                    }
                } else {
                    note(out, ScheduledBackups.line(run, status));
                }
            }

            @Override
            public void skipped(long count, Instant runningSince) {
                note(out, "note: skipped " + count + " scheduled backup(s) due while the one started at " + runningSince
                        + " still ran");
            }
        };
        return BackupSchedule.start(db.url, config, ScheduledBackups.plan(backupEvery, retention, verify, List.of()),
                VerifyCommand.EmbeddedScratch::new, listener);
    }

    /**
     * Fails, naming the port and the fix, when the server could not listen there: Javalin would report it too, but
     * only after logging an error line of its own, and after the database started.
     */
    private static void requireListenable(String host, int port, String option) {
        String hostOption = option.replace("port", "host");
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Cannot listen on " + host + ": port " + port + " is in"
                    + " use, perhaps by another mooring server. Stop that, or choose another port with " + option
                    + freePortNear(host, port) + ".");
        } catch (IOException e) {
            throw new MooringException(ErrorCode.CONFIGURATION, "Cannot listen on " + host + ":" + port + " ("
                    + e.getMessage() + "); check " + hostOption + " and " + option + ".");
        }
    }

    private String adminHost() {
        return adminHost == null ? ServerOptions.DEFAULT_ADMIN_HOST : adminHost;
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
            server.adminUri().ifPresent(admin -> doc.put("admin", admin.toString()));
            doc.put("dashboard", server.adminUri().orElse(server.uri()) + "/admin");
            Output.jsonLine(out, doc);
        } else {
            Output.text(out, "Sync installed on " + db.url.redacted() + ": " + describe(installed) + "\n"
                    + "Serving " + db.config.tables().size() + " synced tables at " + server.uri() + "/v1"
                    + " (Ctrl+C stops). Create a token " + (db.example ? "for the demo user" : "for a user")
                    + " with: " + createToken
                    + server.adminUri().map(admin -> "\nAdmin routes and probes at " + admin + " ("
                    + (server.options().adminPortOnLoopback() ? "no token needed from this machine"
                    : "with an admin token: " + adminTokenCommand(db)) + ").").orElse("")
                    + "\nAdmin dashboard at " + server.adminUri().orElse(server.uri()) + "/admin"
                    // no full stop after a URL: a person copies it with the URL
                    + (server.adminUri().isEmpty() ? " (with an admin token: " + adminTokenCommand(db) + ")" : ""));
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
        return PrintedCommand.of("token", "create", "--url", db.commandLineUrl) + " --user <user id>" + passwordNote(db);
    }

    /** The command that creates an admin token on this server's database, as a person runs it. */
    static String adminTokenCommand(SyncTarget db) {
        return PrintedCommand.of("token", "create", "--admin", "--url", db.commandLineUrl)
                + (db.example ? "" : passwordNote(db));
    }

    private static String passwordNote(SyncTarget db) {
        return db.passwordOnlyInUrl ? " (set $MOORING_PASSWORD to the database password first)" : "";
    }

    /** A line about the running server: with --json, {@code {"note": "..."}}. Lines come from several threads. */
    private void note(PrintWriter out, String text) {
        synchronized (out) {
            if (json) {
                Output.jsonLine(out, Map.of("note", text));
            } else {
                Output.text(out, text);
            }
            out.flush();
        }
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
    private static HikariDataSource pool(SyncTarget db, MeterRegistry registry) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(db.dataSource);
        config.setMaximumPoolSize(Math.max(4, 4 * Runtime.getRuntime().availableProcessors()));
        config.setPoolName("mooring-server");
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry)); // hikaricp_connections_*
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
