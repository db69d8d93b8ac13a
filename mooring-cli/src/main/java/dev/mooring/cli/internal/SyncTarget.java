package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.ConflictQueue;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncService;
import dev.mooring.server.SyncConfigFile;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The database the sync commands work on: {@code --url} (or {@code $DATABASE_URL}), or else the embedded PostgreSQL
 * under {@code --data-dir} with the Reminders example migrated and its sync configuration. Close it to stop the
 * embedded server.
 */
final class SyncTarget implements AutoCloseable {
    static final String EXAMPLE_DATABASE = "reminders";
    static final String EXAMPLE_CONFIG = "/mooring/examples/reminders/sync.yaml";

    /** The options every sync command shares. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL", description = "The server's PostgreSQL database. Default: "
                + "$DATABASE_URL, else an embedded PostgreSQL under --data-dir with the example app.")
        String url;

        @Option(names = "--data-dir", defaultValue = "mooring-data",
                description = "Where the embedded PostgreSQL keeps its data. Default: ${DEFAULT-VALUE}.")
        Path dataDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "The sync configuration (YAML or JSON). With --url, the commands that need it (server,"
                        + " package create, conflicts resolve --take client|merged) require it; the embedded default"
                        + " uses the example app's.")
        Path config;
    }

    final DataSource dataSource;
    final DatabaseUrl url;
    /** The sync configuration; {@code null} with {@code --url} and no {@code --config}, for commands needing none. */
    final SyncConfig config;
    final String schemaVersion;
    /** A URL to pass to other commands with --url while this one runs: the embedded server's, or the given one. */
    final String commandLineUrl;
    private final EmbeddedPostgresServer embedded;

    private SyncTarget(DataSource dataSource, DatabaseUrl url, SyncConfig config, String schemaVersion,
                       EmbeddedPostgresServer embedded) {
        this.dataSource = dataSource;
        this.url = url;
        this.config = config;
        this.schemaVersion = schemaVersion;
        this.embedded = embedded;
        this.commandLineUrl = embedded == null ? url.redacted()
                : "postgresql://postgres@localhost:" + embedded.port() + "/" + EXAMPLE_DATABASE;
    }

    /**
     * Opens the database the options name.
     *
     * @param configNeededBy what needs the sync configuration, for the message when {@code --url} comes without
     *                       {@code --config} ("the server"); {@code null} when the command works without one
     */
    static SyncTarget open(Options options, Map<String, String> env, String configNeededBy) {
        boolean explicit = (options.url != null && !options.url.isBlank())
                || (env.get("DATABASE_URL") != null && !env.get("DATABASE_URL").isBlank());
        if (explicit) {
            String password = env.getOrDefault("MOORING_PASSWORD", env.get("PGPASSWORD"));
            Redaction.register(password);
            DatabaseUrl url = DatabaseUrl.resolve(options.url, env).withCredentials(null, password);
            if (!"postgresql".equals(url.dialect().name())) {
                throw new MooringException(ErrorCode.USAGE, "the sync server needs a PostgreSQL database; "
                        + url.redacted() + " is not one.");
            }
            if (options.config == null && configNeededBy != null) {
                throw new MooringException(ErrorCode.USAGE, "with --url, " + configNeededBy + " needs the sync"
                        + " configuration: name it with --config sync.yaml (see examples/reminders/sync.yaml).");
            }
            SyncConfig config = options.config == null ? null : SyncConfigFile.load(options.config);
            return new SyncTarget(url.toDataSource(), url, config, null, null);
        }
        EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(options.dataDir.resolve("postgres"));
        try {
            pg.createDatabaseIfMissing(EXAMPLE_DATABASE);
            DataSource ds = pg.dataSource(EXAMPLE_DATABASE);
            String version = Migrator.create(ds, MigrationConfig.of(QuickstartCommand.SERVER_MIGRATIONS)
                    .withClassLoader(SyncTarget.class.getClassLoader())).migrate().toVersion();
            SyncConfig config = options.config != null ? SyncConfigFile.load(options.config) : exampleConfig();
            return new SyncTarget(ds, pg.url(EXAMPLE_DATABASE), config, version, pg);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    static SyncConfig exampleConfig() {
        try (InputStream in = SyncTarget.class.getResourceAsStream(EXAMPLE_CONFIG)) {
            if (in == null) {
                throw new MooringException(ErrorCode.INTERNAL, "the example sync configuration is missing from the jar");
            }
            return SyncConfigFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "the example sync.yaml");
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read the example sync configuration: " + e.getMessage(), e);
        }
    }

    /**
     * The conflict queue of this database. Without a sync configuration it lists conflicts and keeps the server's
     * version, but cannot write a row (it knows no synced table).
     */
    ConflictQueue conflictQueue() {
        return ConflictQueue.create(dataSource, SyncService.create(dataSource, config != null ? config : SyncConfig.of()));
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
