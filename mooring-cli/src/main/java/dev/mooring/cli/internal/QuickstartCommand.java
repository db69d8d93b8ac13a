package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.Backups;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.backup.VerifyResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring quickstart}: the whole toolkit on embedded defaults, with nothing to install. Starts an embedded
 * PostgreSQL whose data lives under {@code ./mooring-data/postgres}, migrates it with the Reminders example's server
 * migrations, migrates a local SQLite client file with the client migrations, backs up the server database into
 * {@code ./mooring-data/dumps} and proves the backup by restoring it into a scratch database on the same server, and
 * prints the status of both. In between it starts the sync server and syncs through it: one change by hand-made
 * protocol messages ({@link QuickstartSync}), then two client databases that settle offline conflicts
 * ({@link QuickstartDevices}). Running it again finds both up to date (and keeps the three newest verified backups).
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Start an embedded PostgreSQL under ./mooring-data, apply the example app's server migrations to it "
                + "and its client migrations to a local SQLite file, start the sync server and sync one change between two "
                + "devices over HTTP, let two client databases (phone.db, laptop.db) edit the same events offline and "
                + "sync, back up the server database and verify the backup by restoring it, and show the status of both.")
public final class QuickstartCommand implements Callable<Integer> {
    static final String SERVER_MIGRATIONS = "classpath:mooring/examples/reminders/server";
    static final String CLIENT_MIGRATIONS = "classpath:mooring/examples/reminders/client";

    @Option(names = "--data-dir", defaultValue = "mooring-data", description = "Where the embedded data lives. Default: ${DEFAULT-VALUE}.")
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
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(pgData)) {
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
                    + "Next: inspect the client with\n"
                    + "  ./mooring info --url " + clientFile + " --locations " + CLIENT_MIGRATIONS + "\n"
                    + "and a device's sync state with ./mooring sync status --db " + sync.devices().laptop() + "\n"
                    + "and restore the backup into an empty database with ./mooring restore --url <url> --dir " + dataDir.resolve("dumps") + "\n"
                    + "Run the sync server yourself with ./mooring server, give the demo user a token with\n"
                    + "  ./mooring token create --user " + QuickstartSync.DEMO_USER + " --url <the url it prints>\n"
                    + "and sync a device with it (--token - reads it from standard input: paste it, then Enter):\n"
                    + "  ./mooring sync --db " + sync.devices().phone() + " --server http://localhost:8630 --token -\n"
                    + "The embedded server stops now; its data stays in " + pgData + " for the next run.");
            return 0;
        }
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
