package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The client database a command syncs or imports into: {@code --db}, and for a database that never synced its
 * {@code --tables} and {@code --locations} (a fresh device may take a package before its first sync). {@code --db} is
 * checked here rather than by picocli: {@code mooring sync status --db …} names it after the subcommand.
 */
final class ClientDatabaseOptions {
    @Option(names = "--db", paramLabel = "FILE", description = "The client's SQLite database; created if missing.")
    Path db;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "The synced tables, comma-separated."
            + " Default: the tables this database synced before. Naming a different list changes what it syncs.")
    List<String> tables;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION", description = "The client's migration"
            + " folders (path, filesystem:path or classpath:path), applied first. Default: none.")
    List<String> locations;

    /**
     * The database named.
     *
     * @param example how to name it, for the message when it was not ({@code mooring sync --db client.db})
     */
    Path db(String example) {
        if (db == null) {
            throw new MooringException(ErrorCode.USAGE, "name the client database: " + example + ".");
        }
        return db;
    }

    /**
     * Opens a database that exists already (a peer exchange needs one that has synced: its user is known), migrated
     * with {@code --locations} first when given.
     *
     * @param example how to name it, for the message when it was not named or is missing
     */
    SyncClient openExisting(String example) {
        ClientDatabase.requireExisting(db(example));
        return open(null, RetryPolicy.none());
    }

    /** Opens the database, migrated and with sync installed. */
    SyncClient open(String nodeId, RetryPolicy retry) {
        return open(nodeId, retry, null);
    }

    /** Opens the database with a new subscription ({@code null}: the one it remembers). */
    SyncClient open(String nodeId, RetryPolicy retry, java.util.Map<String, java.util.Map<String, List<String>>> subscription) {
        MigrationConfig migrations = locations == null ? null : MigrationConfig.of(locations.toArray(String[]::new))
                .withClassLoader(ClientDatabaseOptions.class.getClassLoader());
        return ClientDatabase.open(db, tables, migrations, nodeId, retry, subscription);
    }
}
