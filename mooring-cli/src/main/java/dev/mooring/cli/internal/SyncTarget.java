package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.embedded.EmbeddedDatabaseInUseException;
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
 * under {@code --data-dir} with the Reminders example migrated and its sync configuration: started for the command,
 * or, when a {@code mooring server} runs on that folder already, that server's. Close it to stop an embedded server
 * it started (never one it found running).
 */
final class SyncTarget implements AutoCloseable {
    static final String EXAMPLE_DATABASE = "reminders";
    static final String EXAMPLE_CONFIG = "/mooring/examples/reminders/sync.yaml";

    /** The options every sync command shares. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL", description = "The server's PostgreSQL database. Default: "
                + "$DATABASE_URL, else an embedded PostgreSQL under --data-dir with the example app.")
        String url;

        @Option(names = "--data-dir", defaultValue = QuickstartCommand.DEFAULT_DATA_DIR,
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
    /** The database as a {@code --url} value for a printed command, without the password. */
    final String commandLineUrl;
    /** Whether this is the embedded example database (its own or a running server's), not a {@code --url}. */
    final boolean example;
    /** Whether the password came in the URL rather than from the environment, where other commands find it. */
    final boolean passwordOnlyInUrl;
    /** Says that a running server's database is used; {@code null} otherwise. */
    final String note;
    private final EmbeddedPostgresServer embedded;

    private SyncTarget(DataSource dataSource, DatabaseUrl url, SyncConfig config, String schemaVersion,
                       boolean example, boolean passwordOnlyInUrl, String note, EmbeddedPostgresServer embedded) {
        this.dataSource = dataSource;
        this.url = url;
        this.config = config;
        this.schemaVersion = schemaVersion;
        this.commandLineUrl = PrintedCommand.url(url);
        this.example = example;
        this.passwordOnlyInUrl = passwordOnlyInUrl;
        this.note = note;
        this.embedded = embedded;
    }

    /**
     * Opens the database the options name for a command that runs briefly: when a {@code mooring server} runs on
     * the embedded data directory, its database is used (and {@link #note} says so) rather than a second server.
     *
     * @param configNeededBy what needs the sync configuration, for the message when {@code --url} comes without
     *                       {@code --config} ("package create"); {@code null} when the command works without one
     */
    static SyncTarget open(Options options, Map<String, String> env, String configNeededBy) {
        return open(options, env, configNeededBy, true);
    }

    /**
     * Opens the database the server serves; it needs the sync configuration, and its own embedded PostgreSQL: a
     * server running on the same data directory would stop it under this one.
     */
    static SyncTarget openForServer(Options options, Map<String, String> env) {
        return open(options, env, "the server", false);
    }

    private static SyncTarget open(Options options, Map<String, String> env, String configNeededBy, boolean share) {
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
            return new SyncTarget(url.toDataSource(), url, config, null, false,
                    password == null && url.password() != null, null, null);
        }
        Path data = options.dataDir.resolve("postgres");
        EmbeddedPostgresServer pg;
        try {
            pg = EmbeddedPostgresServer.start(data);
        } catch (EmbeddedDatabaseInUseException e) {
            if (!share || e.port().isEmpty()) {
                throw new MooringException(ErrorCode.EMBEDDED_DATABASE, "A mooring server (or quickstart) is already"
                        + " running on " + data + (e.port().isPresent() ? " (PostgreSQL on port "
                        + e.port().getAsInt() + ")" : "") + ". Stop it first (Ctrl+C where it runs), or use another"
                        + " folder with --data-dir.", e);
            }
            DatabaseUrl url = DatabaseUrl.parse("postgresql://" + EmbeddedPostgresServer.SUPERUSER + "@localhost:"
                    + e.port().getAsInt() + "/" + EXAMPLE_DATABASE);
            return example(url, url.toDataSource(), options, null, "A mooring server is running on " + data
                    + " (PostgreSQL on port " + e.port().getAsInt() + "): using its database.");
        }
        try {
            pg.createDatabaseIfMissing(EXAMPLE_DATABASE);
            return example(pg.url(EXAMPLE_DATABASE), pg.dataSource(EXAMPLE_DATABASE), options, pg, null);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** The example database, migrated (a no-op when current), with the example's configuration or --config. */
    private static SyncTarget example(DatabaseUrl url, DataSource ds, Options options, EmbeddedPostgresServer pg,
                                      String note) {
        String version = Migrator.create(ds, MigrationConfig.of(QuickstartCommand.SERVER_MIGRATIONS)
                .withClassLoader(SyncTarget.class.getClassLoader())).migrate().toVersion();
        SyncConfig config = options.config != null ? SyncConfigFile.load(options.config) : exampleConfig();
        return new SyncTarget(ds, url, config, version, true, false, note, pg);
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
