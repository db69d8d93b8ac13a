package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.AppliedMigration;
import dev.mooring.migrate.Migrator;
import dev.mooring.migrate.RevertResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code mooring revert}: run DOWN sections. */
@Command(name = "revert", aliases = "undo", mixinStandardHelpOptions = true,
        description = "Revert applied migrations newest first by running their DOWN SQL. Refuses, changing nothing, "
                + "if any of them has no DOWN.")
public final class RevertCommand extends DatabaseCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--target", paramLabel = "VERSION", description = "Revert everything newer than this version.")
        String target;

        @Option(names = "--steps", paramLabel = "N", description = "Revert the last N migrations.")
        Integer steps;
    }

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        RevertResult result = which.steps != null ? migrator.revertSteps(which.steps) : migrator.revertTo(which.target);
        if (json) {
            Output.json(out, result);
            return 0;
        }
        StringBuilder text = new StringBuilder("Reverted " + url.redacted() + " from " + MigrateCommand.version(result.fromVersion())
                + " to " + MigrateCommand.version(result.toVersion()) + ": " + result.reverted().size() + " migration(s)\n");
        for (AppliedMigration a : result.reverted()) {
            text.append("  reverted ").append(a.version()).append("  ").append(a.description())
                    .append("  (").append(a.executionMs()).append(" ms)\n");
        }
        Output.text(out, text.toString().stripTrailing());
        return 0;
    }
}
