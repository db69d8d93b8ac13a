package dev.mooring.spring.boot.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The {@code mooring.*} properties. Immutable, bound once at start-up.
 *
 * @param migrate how the application's database is migrated on start
 * @param sync    sync with SQLite clients, when a sync configuration is given
 */
@ConfigurationProperties("mooring")
public record MooringProperties(@DefaultValue Migrate migrate, @DefaultValue Sync sync) {

    /**
     * {@code mooring.migrate.*}, modelled on {@code spring.flyway.*}.
     *
     * @param enabled             Whether to migrate the database on start. Off, Mooring offers no Migrator bean,
     *                            migrations health or endpoint either.
     * @param locations           Migration folders: classpath:db/migration, filesystem:db/migration, or a bare path
     *                            (a folder on disk).
     * @param table               Migration history table, optionally schema-qualified (app.schema_version).
     * @param target              Version to migrate no further than. Empty or "latest" for the newest.
     * @param outOfOrder          Whether to apply pending migrations older than the newest applied one instead of
     *                            refusing to start.
     * @param lockTimeout         How long to wait for another instance migrating the same database.
     * @param appliedBy           Name recorded in the history as who applied each migration. The database user when
     *                            empty.
     * @param baselineOnMigrate   Whether to adopt an existing database on first start: when the schema has tables but
     *                            no migration history, baseline-version is recorded as applied before migrating.
     * @param baselineVersion     Version that baseline-on-migrate records.
     * @param baselineDescription Description that baseline-on-migrate records.
     * @param dryRun              Whether to log the SQL the migration would run instead of running it, changing
     *                            nothing.
     * @param url                 Database to migrate instead of the application's DataSource (a jdbc: or postgresql://
     *                            URL).
     * @param user                Login user for mooring.migrate.url.
     * @param password            Login password for mooring.migrate.url.
     */
    public record Migrate(@DefaultValue("true") boolean enabled,
                          @DefaultValue("classpath:db/migration") List<String> locations,
                          @DefaultValue("schema_version") String table,
                          String target,
                          boolean outOfOrder,
                          @DefaultValue("60s") Duration lockTimeout,
                          String appliedBy,
                          boolean baselineOnMigrate,
                          @DefaultValue("1") String baselineVersion,
                          @DefaultValue("<< Baseline >>") String baselineDescription,
                          boolean dryRun,
                          String url,
                          String user,
                          String password) {
    }

    /**
     * {@code mooring.sync.*}: sync is on when {@code config} is set (or the application declares a SyncConfig bean).
     *
     * @param config        Sync configuration file (sync.yaml): classpath:sync.yaml, file:sync.yaml, or a bare
     *                      path. Setting it turns sync on.
     * @param install       Whether to install sync on the database on start (the mooring schema and the capture
     *                      triggers; a no-op when current), after the application's migrations.
     * @param pruneInterval How often to delete sync history older than the tombstone retention, first at start. 0
     *                      turns pruning off.
     * @param server        The HTTP sync server on its own port.
     */
    public record Sync(String config,
                       @DefaultValue("true") boolean install,
                       @DefaultValue("1h") Duration pruneInterval,
                       @DefaultValue Server server) {
    }

    /**
     * {@code mooring.sync.server.*}: the sync API ({@code /v1}) served by its own HTTP server (Javalin on Jetty), beside
     * the application's web server.
     *
     * @param enabled          Whether to start the sync server.
     * @param host             Interface the sync server listens on; 0.0.0.0 for all.
     * @param port             Port of the sync server; 0 picks a free one.
     * @param maxRequestSize   Largest request body the sync server accepts; larger ones get 413.
     * @param minClientVersion Oldest client schema version the sync server accepts; older clients are told to
     *                         upgrade.
     * @param packagesDir      Folder to write the data packages that clients order (POST /v1/packages). None when
     *                         empty.
     * @param adminPort        Second port serving the admin routes (health, metrics, dashboard) and the probes; 0
     *                         picks a free one. None when empty.
     * @param adminHost        Interface of the admin port; on a loopback address its admin routes need no token.
     */
    public record Server(boolean enabled,
                         @DefaultValue("localhost") String host,
                         @DefaultValue("8630") int port,
                         @DefaultValue("8MB") DataSize maxRequestSize,
                         String minClientVersion,
                         Path packagesDir,
                         Integer adminPort,
                         @DefaultValue("127.0.0.1") String adminHost) {
    }
}
