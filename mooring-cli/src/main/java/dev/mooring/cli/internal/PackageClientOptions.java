package dev.mooring.cli.internal;

import dev.mooring.migrate.MigrationConfig;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The client database a {@code mooring package} command imports into: {@code --db}, and for a database that never
 * synced, its {@code --tables} and {@code --locations} (a fresh device may take a package before its first sync).
 */
final class PackageClientOptions {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The client's SQLite database.")
    Path db;

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "The synced tables, for a database"
            + " that never synced. Default: the tables it synced before.")
    List<String> tables;

    @Option(names = "--locations", split = ",", paramLabel = "LOCATION", description = "The client's migration"
            + " folders, applied first. Default: none.")
    List<String> locations;

    SyncClient open() {
        MigrationConfig migrations = locations == null ? null : MigrationConfig.of(locations.toArray(String[]::new))
                .withClassLoader(PackageClientOptions.class.getClassLoader());
        return ClientDatabase.open(db, tables, migrations, null, RetryPolicy.none());
    }
}
