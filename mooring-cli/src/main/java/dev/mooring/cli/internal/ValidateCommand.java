package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.migrate.Migrator;
import dev.mooring.migrate.ValidationIssue;
import dev.mooring.migrate.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code mooring validate}: do the files still match what was applied? */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check that applied migrations were not edited or removed and that none is pending out of order. "
                + "Exits with code 7 when they disagree.")
public final class ValidateCommand extends DatabaseCommand {
    @Option(names = "--out-of-order", description = "Do not report pending migrations older than the current version.")
    boolean outOfOrder;

    @Override
    dev.mooring.migrate.MigrationConfig configure(dev.mooring.migrate.MigrationConfig config) {
        return config.withOutOfOrder(outOfOrder);
    }

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        ValidationReport report = migrator.validate();
        if (json) {
            Output.json(out, report);
        } else if (report.valid()) {
            Output.text(out, "Valid: the migration files match the history of " + url.redacted() + ".");
        } else {
            StringBuilder text = new StringBuilder("Validation failed for " + url.redacted() + ":\n");
            for (ValidationIssue issue : report.issues()) {
                text.append("  - [").append(issue.kind().name().toLowerCase().replace('_', '-')).append("] ")
                        .append(issue.message()).append('\n');
            }
            Output.text(out, text.toString().stripTrailing());
        }
        return report.valid() ? 0 : ErrorCode.VALIDATION_FAILED.exitCode();
    }
}
