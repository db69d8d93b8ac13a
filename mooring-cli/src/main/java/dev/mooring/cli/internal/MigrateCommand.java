package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.AppliedMigration;
import dev.mooring.migrate.DryRunResult;
import dev.mooring.migrate.MigrateResult;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code mooring migrate}: apply pending migrations. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply pending migrations, each in its own transaction.")
public final class MigrateCommand extends DatabaseCommand {
    @Option(names = "--target", paramLabel = "VERSION", description = "Migrate no further than this version.")
    String target;

    @Option(names = "--dry-run", description = "Print the SQL that would run; change nothing.")
    boolean dryRun;

    @Option(names = "--out-of-order", description = "Apply pending migrations older than the current version.")
    boolean outOfOrder;

    /** A dry run changes nothing, so it does not create the file either. */
    @Override
    boolean createsDatabase() {
        return !dryRun;
    }

    @Override
    MigrationConfig configure(MigrationConfig config) {
        return config.withTarget(target).withOutOfOrder(outOfOrder);
    }

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        if (dryRun) {
            DryRunResult plan = migrator.dryRun();
            if (json) {
                Output.json(out, plan);
            } else {
                Output.text(out, "-- Dry run for " + url.redacted() + ": " + plan.migrations().size()
                        + " migration(s) would be applied, " + version(plan.fromVersion()) + " -> " + version(plan.toVersion())
                        + ". Nothing was changed.\n\n" + plan.sql());
            }
            return 0;
        }
        MigrateResult result = migrator.migrate();
        if (json) {
            Output.json(out, result);
            return 0;
        }
        StringBuilder text = new StringBuilder();
        if (result.applied().isEmpty()) {
            text.append(url.redacted()).append(" is up to date at version ").append(version(result.toVersion())).append('.');
        } else {
            text.append("Migrated ").append(url.redacted()).append(" from ").append(version(result.fromVersion()))
                    .append(" to ").append(version(result.toVersion())).append(": ").append(result.applied().size())
                    .append(" migration(s) in ").append(result.totalMs()).append(" ms\n");
            for (AppliedMigration a : result.applied()) {
                text.append("  applied ").append(a.version() == null ? "(repeatable)" : a.version()).append("  ")
                        .append(a.description()).append("  (").append(a.executionMs()).append(" ms)\n");
            }
        }
        Output.text(out, text.toString().stripTrailing());
        return 0;
    }

    static String version(String v) {
        return v == null ? "(empty)" : v;
    }
}
