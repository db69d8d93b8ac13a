package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.migrate.MigrationConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** The options every database command shares. */
public final class DatabaseOptions {
    private static final String DEFAULT_LOCATIONS = "filesystem:db/migration";

    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:5432/db, a jdbc: URL, or a SQLite file. Default: $DATABASE_URL.")
    String url;

    @Option(names = "--user", description = "Database user (overrides the URL's).")
    String user;

    @Option(names = "--password", description = "Database password. Prefer $MOORING_PASSWORD (or $PGPASSWORD): command lines are visible to other users.")
    String password;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION",
            description = "Migration folders: a path, filesystem:path or classpath:path; comma-separated. Default: ${DEFAULT-VALUE}.",
            defaultValue = DEFAULT_LOCATIONS)
    List<String> locations;

    @Option(names = "--table", description = "History table. Default: ${DEFAULT-VALUE}.", defaultValue = MigrationConfig.DEFAULT_TABLE)
    String table;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for another migrator. Default: ${DEFAULT-VALUE} s.")
    long lockTimeoutSeconds;

    /** The database URL from the options or the environment, with credentials applied. */
    public DatabaseUrl databaseUrl(Map<String, String> env) {
        String pw = password != null ? password : env.getOrDefault("MOORING_PASSWORD", env.get("PGPASSWORD"));
        Redaction.register(pw);
        return DatabaseUrl.resolve(url, env).withCredentials(user, pw);
    }

    /**
     * A data source for {@code url} that does not create the database: every command but {@code migrate} and
     * {@code restore} reads or changes a database rather than creating one, and opening a SQLite file that is not
     * there would create an empty one (which then reads as valid, with no drift).
     *
     * @return a data source that, for a SQLite file that does not exist, throws {@code CONFIGURATION} on connecting,
     *         naming the file and printing the {@code migrate} command that creates it
     */
    public DataSource existingDatabase(DatabaseUrl url) {
        Path file = url.sqliteFile();
        return file == null ? url.toDataSource() : new ExistingSqliteFile(url.toDataSource(), file, () -> missing(file));
    }

    private MooringException missing(Path file) {
        List<String> migrate = new ArrayList<>(List.of("migrate", "--url", file.toString()));
        if (!List.of(DEFAULT_LOCATIONS).equals(locations)) {
            migrate.addAll(List.of("--locations", String.join(",", locations)));
        }
        if (!MigrationConfig.DEFAULT_TABLE.equals(table)) {
            migrate.addAll(List.of("--table", table));
        }
        return new MooringException(ErrorCode.CONFIGURATION, "There is no SQLite database at " + file + ": the file"
                + " does not exist, and only migrate creates one. Check --url, or create the database with:\n  "
                + PrintedCommand.of(migrate));
    }

    public MigrationConfig config() {
        if (lockTimeoutSeconds <= 0) {
            throw new MooringException(ErrorCode.USAGE, "--lock-timeout must be a positive number of seconds, was " + lockTimeoutSeconds);
        }
        return MigrationConfig.of(locations.toArray(String[]::new)).withTable(table)
                .withLockTimeout(Duration.ofSeconds(lockTimeoutSeconds))
                .withClassLoader(DatabaseOptions.class.getClassLoader());
    }
}
