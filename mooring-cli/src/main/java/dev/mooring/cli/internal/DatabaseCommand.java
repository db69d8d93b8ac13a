package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import javax.sql.DataSource;
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
        Integer standalone = runWithoutDatabase();
        if (standalone != null) {
            return standalone;
        }
        DatabaseUrl url = db.databaseUrl(System.getenv());
        MigrationConfig config = configure(db.config());
        DataSource dataSource = createsDatabase() ? url.toDataSource() : db.existingDatabase(url);
        return run(Migrator.create(dataSource, config), url, spec.commandLine().getOut());
    }

    /**
     * Whether this command may create the database it names: only then is a SQLite file that does not exist
     * created; every other command reports it missing. No by default.
     */
    boolean createsDatabase() {
        return false;
    }

    /**
     * For a command that some options make work without a database ({@code restore --pitr}): its exit code, or null
     * to run on the database as usual. Null by default.
     */
    Integer runWithoutDatabase() {
        return null;
    }

    /** Adds command-specific settings to the shared configuration. */
    MigrationConfig configure(MigrationConfig config) {
        return config;
    }

    abstract int run(Migrator migrator, DatabaseUrl url, PrintWriter out);
}
