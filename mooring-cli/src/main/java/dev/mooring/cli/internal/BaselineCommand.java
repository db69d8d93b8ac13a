package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code mooring baseline}: adopt an existing database. */
@Command(name = "baseline",
        description = "Adopt an existing database: record it as being at VERSION, so migrations up to it are never applied.")
public final class BaselineCommand extends DatabaseCommand {
    // No standard --version option here: `baseline --version V` means the database's version.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--version", required = true, paramLabel = "VERSION", description = "The version the database is at.")
    String version;

    @Option(names = "--description", description = "Recorded with the baseline. Default: << Baseline >>.")
    String description;

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        MigrationInfo info = migrator.baseline(version, description);
        if (json) {
            Output.json(out, info);
        } else {
            Output.text(out, "Baselined " + url.redacted() + " at version " + info.version()
                    + ". Migrations up to it will not be applied.");
        }
        return 0;
    }
}
