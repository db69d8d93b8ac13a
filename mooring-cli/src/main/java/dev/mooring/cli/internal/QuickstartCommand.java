package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.Backups;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.backup.VerifyResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.embedded.EmbeddedDatabaseInUseException;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring quickstart}: the whole toolkit on embedded defaults, with nothing to install. Starts an embedded
 * PostgreSQL whose data lives under {@code ./mooring-data/postgres}, migrates it with the Reminders example's server
 * migrations, migrates a local SQLite client file with the client migrations, backs up the server database into
 * {@code ./mooring-data/dumps} and proves the backup by restoring it into a scratch database on the same server, and
 * prints the status of both. In between it starts the sync server and syncs through it: one change by hand-made
 * protocol messages ({@link QuickstartSync}), then two client databases that settle offline conflicts
 * ({@link QuickstartDevices}), then the demo user shares an event with a second user, each step checked
 * ({@link QuickstartSharing}). Running it again finds both up to date (and keeps the three newest verified backups).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Start an embedded PostgreSQL under ./mooring-data, apply the example app's server migrations to it "
                + "and its client migrations to a local SQLite file, start the sync server and sync one change between two "
                + "devices over HTTP, let two client databases (phone.db, laptop.db) edit the same events offline and "
                + "sync, share an event with a second user (bob.db) who accepts, edits and loses it when unshared, "
                + "back up the server database and verify the backup by restoring it, and show the status of both.")
public final class QuickstartCommand implements Callable<Integer> {
    static final String SERVER_MIGRATIONS = "classpath:mooring/examples/reminders/server";
    static final String CLIENT_MIGRATIONS = "classpath:mooring/examples/reminders/client";
    static final String DEFAULT_DATA_DIR = "mooring-data";

    @Option(names = "--data-dir", defaultValue = DEFAULT_DATA_DIR, description = "Where the embedded data lives. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path pgData = dataDir.resolve("postgres");
        Path clientFile = dataDir.resolve("client.db");
        if (!json) {
            Output.text(out, "Starting embedded PostgreSQL (data in " + pgData + ") ...");
            out.flush();
        }
        try (EmbeddedPostgresServer pg = start(pgData)) {
            pg.createDatabaseIfMissing("reminders");
            DatabaseUrl serverUrl = pg.url("reminders");
            Migrator server = Migrator.create(pg.dataSource("reminders"), MigrationConfig.of(SERVER_MIGRATIONS));
            MigrateResult serverResult = server.migrate();
            InfoReport serverInfo = server.info();

            DatabaseUrl clientUrl = DatabaseUrl.parse(clientFile.toString());
            Migrator client = Migrator.create(clientUrl.toDataSource(), MigrationConfig.of(CLIENT_MIGRATIONS));
            MigrateResult clientResult = client.migrate();
            InfoReport clientInfo = client.info();
            QuickstartSync.Outcome sync = new QuickstartSync().run(pg.dataSource("reminders"), SyncTarget.exampleConfig(),
                    serverResult.toVersion(), 0, false, dataDir);
            VerifyResult backup = backUpAndVerify(pg, serverUrl);

            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("server", Map.of("url", serverUrl.redacted(), "migrate", serverResult, "info", serverInfo));
                doc.put("client", Map.of("url", clientUrl.redacted(), "migrate", clientResult, "info", clientInfo));
                doc.put("sync", sync);
                doc.put("backup", backup);
                Output.json(out, doc);
                return 0;
            }
            Output.text(out, "PostgreSQL " + serverUrl.redacted() + " on port " + pg.port() + ": " + summary(serverResult) + "\n"
                    + "SQLite client " + clientFile + ": " + summary(clientResult) + "\n"
                    + "Sync server " + sync.url() + ": " + ServerCommand.describe(sync.installed()) + "; device"
                    + " quickstart-phone pushed event " + sync.pushed() + " (" + sync.pushStatus() + "), quickstart-laptop"
                    + " pulled " + sync.pulled() + " change(s)" + (sync.laptopSawTheEvent() ? ", the new event among them"
                    : ", WITHOUT the new event") + "\n"
                    + "Backup " + backup.file() + ": " + backup.manifest().tables().size() + " tables, "
                    + backup.manifest().totalRows() + " rows, " + (backup.passed() ? "verified by restoring it into a"
                    + " scratch database" : "VERIFICATION FAILED: " + backup.problems()) + "\n\n"
                    + "== Server (PostgreSQL) ==\n" + InfoCommand.render(serverInfo, serverUrl) + "\n"
                    + "== Client (SQLite) ==\n" + InfoCommand.render(clientInfo, clientUrl) + "\n"
                    + QuickstartDevices.render(sync.devices()) + "\n\n"
                    + QuickstartSharing.render(sync.sharing()) + "\n\n"
                    + "Next: inspect the client with\n"
                    + "  " + PrintedCommand.of("info", "--url", clientFile.toString(), "--locations", CLIENT_MIGRATIONS)
                    + "\na device's sync state with\n"
                    + "  " + PrintedCommand.of("sync", "status", "--db", sync.devices().laptop().toString()) + "\n"
                    + "and restore the backup into an empty database (its URL in place of <url>) with\n"
                    + "  " + PrintedCommand.of("restore") + " --url <url> --dir "
                    + PrintedCommand.quote(dataDir.resolve("dumps").toString()) + "\n"
                    + "Run the sync server yourself with\n"
                    + "  " + PrintedCommand.of(withDataDir("server")) + "\n"
                    + "give the demo user a token with\n"
                    + "  " + PrintedCommand.of(withDataDir("token", "create", "--user", QuickstartSync.DEMO_USER)) + "\n"
                    + "and sync a device with it (--token - reads it from standard input: paste it, then Enter):\n"
                    + "  " + PrintedCommand.of("sync", "--db", sync.devices().phone().toString(), "--server",
                    "http://localhost:" + ServerOptions.DEFAULT_PORT, "--token", "-") + "\n"
                    + "The embedded server stops now; its data stays in " + pgData + " for the next run.");
            return 0;
        }
    }

    /** The embedded server on {@code pgData}, or a clear error when a mooring server runs on it already. */
    private EmbeddedPostgresServer start(Path pgData) {
        try {
            return EmbeddedPostgresServer.start(pgData);
        } catch (EmbeddedDatabaseInUseException e) {
            throw new MooringException(ErrorCode.EMBEDDED_DATABASE, "The embedded PostgreSQL in " + pgData + " is in"
                    + " use by another process, a mooring server most likely" + (e.port().isPresent() ? " (PostgreSQL"
                    + " on port " + e.port().getAsInt() + ")" : "") + ". Stop it (Ctrl+C where it runs) and run the"
                    + " quickstart again, or run it in another folder:\n  "
                    + PrintedCommand.of("quickstart", "--data-dir", dataDir + "-2"), e);
        }
    }

    /** {@code args}, then {@code --data-dir} when this run used another folder than the default. */
    private List<String> withDataDir(String... args) {
        List<String> line = new ArrayList<>(List.of(args));
        if (!dataDir.equals(Path.of(DEFAULT_DATA_DIR))) {
            line.addAll(List.of("--data-dir", dataDir.toString()));
        }
        return line;
    }

    /** Backs up the server database, proves it restores on a scratch database, and keeps the three newest. */
    private VerifyResult backUpAndVerify(EmbeddedPostgresServer pg, DatabaseUrl serverUrl) {
        BackupConfig config = BackupConfig.defaults().withDir(dataDir.resolve("dumps"));
        BackupManifest manifest = Backups.create(serverUrl, config).backup();
        VerifyResult result = Backups.verify(config.dir().resolve(manifest.file()), true, VerifyCommand.scratch(pg), config);
        Backups.prune(config, new RetentionPolicy(0, 3), false);
        return result;
    }

    private static String summary(MigrateResult r) {
        return r.applied().isEmpty() ? "up to date at version " + r.toVersion()
                : "applied " + r.applied().size() + " migration(s), now at version " + r.toVersion() + " (" + r.totalMs() + " ms)";
    }
}
