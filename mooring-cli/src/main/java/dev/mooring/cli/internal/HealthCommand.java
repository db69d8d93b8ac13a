package dev.mooring.cli.internal;

import dev.mooring.server.HealthReport;
import dev.mooring.server.SyncHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** {@code mooring health}: the sync health report, the same as {@code GET /v1/health}. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show sync health: sessions and failures in the last hour, conflict rate, pending conflicts,"
                + " the oldest change not yet pulled, average sync duration.")
public final class HealthCommand extends SyncCommand {
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    int run(SyncTarget db, PrintWriter out) {
        HealthReport report = SyncHealth.report(db.dataSource);
        if (json) {
            Output.json(out, report);
        } else {
            Output.text(out, report.toText());
        }
        return 0;
    }
}
