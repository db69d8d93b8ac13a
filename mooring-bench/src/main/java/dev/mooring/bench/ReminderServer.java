package dev.mooring.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.server.ServerOptions;
import dev.mooring.server.SyncConfig;
import dev.mooring.server.SyncConfigFile;
import dev.mooring.server.SyncSchema;
import dev.mooring.server.SyncServer;
import dev.mooring.server.Tokens;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The Reminders example as a sync server for the client benchmarks: its server migrations and {@code sync.yaml} on
 * the embedded PostgreSQL, users with generated events ({@link ReminderRows}), and the HTTP server on a free
 * loopback port. Not thread-safe.
 */
final class ReminderServer implements AutoCloseable {
    private final HikariDataSource ds;
    private final SyncServer server;
    private final Map<Integer, String> tokens;

    private ReminderServer(HikariDataSource ds, SyncServer server, Map<Integer, String> tokens) {
        this.ds = ds;
        this.server = server;
        this.tokens = tokens;
    }

    /**
     * Migrates a new database, installs sync, and gives user {@code n} {@code events.get(n)} events.
     *
     * @param captured whether the rows are loaded through Mooring's capture (as rows written by the app or pushed by
     *                 clients are: change log and column versions) or with triggers off (rows that predate sync)
     */
    static ReminderServer start(EmbeddedPostgresServer pg, Path examples, Map<Integer, Long> events, boolean captured)
            throws Exception {
        pg.createDatabaseIfMissing("reminders");
        HikariDataSource ds = SyncBench.pool(pg, "reminders", 8);
        try {
            SyncConfig config = syncConfig(examples);
            migrate(ds, examples, config);
            Map<Integer, String> tokens = new LinkedHashMap<>();
            long load = System.nanoTime();
            for (Map.Entry<Integer, Long> user : events.entrySet()) {
                int n = user.getKey();
                execute(ds, (captured ? "" : "SET session_replication_role = replica; ") + ReminderRows.userSql(n)
                        + "; " + ReminderRows.eventsSql(n, user.getValue()) + "; SET session_replication_role = origin");
                tokens.put(n, Tokens.create(ds).issue(ReminderRows.userId(n), "bench").token());
            }
            // Settled before anything is measured, so that autovacuum does not work through the load meanwhile.
            execute(ds, "VACUUM (FREEZE, ANALYZE)", "CHECKPOINT");
            System.err.printf("  server: loaded %s events (%s) in %.1f s%n", events.values(),
                    captured ? "captured" : "triggers off", (System.nanoTime() - load) / 1e9);
            SyncServer server = SyncServer.start(ds, config, ServerOptions.defaults().withPort(0));
            System.err.println("  server: PostgreSQL on port " + pg.port() + ", sync server at " + server.uri());
            return new ReminderServer(ds, server, tokens);
        } catch (Exception | Error e) {
            ds.close();
            throw e;
        }
    }

    /** The example's {@code sync.yaml}. */
    static SyncConfig syncConfig(Path examples) {
        return SyncConfigFile.load(examples.resolve("sync.yaml"));
    }

    /**
     * Runs the example's server migrations on {@code ds} and, unless {@code config} is null, installs sync with it:
     * the Reminders server database with and without Mooring.
     */
    static void migrate(DataSource ds, Path examples, SyncConfig config) {
        Migrator.create(ds, MigrationConfig.of("filesystem:" + examples.resolve("server"))).migrate();
        if (config != null) {
            SyncSchema.install(ds, config);
        }
    }

    URI uri() {
        return server.uri();
    }

    String token(int user) {
        return tokens.get(user);
    }

    /** Runs statements on the server database, each in its own transaction, as the app's server would. */
    void execute(String... statements) throws Exception {
        execute(ds, statements);
    }

    private static void execute(HikariDataSource ds, String... statements) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            ds.close();
        }
    }
}
