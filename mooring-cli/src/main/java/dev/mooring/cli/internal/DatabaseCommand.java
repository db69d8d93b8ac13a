package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command that works on one database with the shared options and {@code --json}. */
abstract class DatabaseCommand implements Callable<Integer> {
    @Mixin
    DatabaseOptions db;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        DatabaseUrl url = db.databaseUrl(System.getenv());
        MigrationConfig config = configure(db.config());
        return run(Migrator.create(url.toDataSource(), config), url, spec.commandLine().getOut());
    }

    /** Adds command-specific settings to the shared configuration. */
    MigrationConfig configure(MigrationConfig config) {
        return config;
    }

    abstract int run(Migrator migrator, DatabaseUrl url, PrintWriter out);
}
