package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.Redaction;
import dev.mooring.migrate.MigrationConfig;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The options every database command shares. */
public final class DatabaseOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "postgresql://user@host:5432/db, a jdbc: URL, or a SQLite file. Default: $DATABASE_URL.")
    String url;

    @Option(names = "--user", description = "Database user (overrides the URL's).")
    String user;

    @Option(names = "--password", description = "Database password. Prefer $MOORING_PASSWORD (or $PGPASSWORD): command lines are visible to other users.")
    String password;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION",
            description = "Migration folders: a path, filesystem:path or classpath:path; comma-separated. Default: ${DEFAULT-VALUE}.",
            defaultValue = "filesystem:db/migration")
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

    public MigrationConfig config() {
        if (lockTimeoutSeconds <= 0) {
            throw new MooringException(ErrorCode.USAGE, "--lock-timeout must be a positive number of seconds, was " + lockTimeoutSeconds);
        }
        return MigrationConfig.of(locations.toArray(String[]::new)).withTable(table)
                .withLockTimeout(Duration.ofSeconds(lockTimeoutSeconds))
                .withClassLoader(DatabaseOptions.class.getClassLoader());
    }
}
