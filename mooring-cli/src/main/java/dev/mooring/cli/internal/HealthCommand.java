package dev.mooring.cli.internal;

import dev.mooring.server.HealthReport;
import dev.mooring.server.SyncHealth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code mooring health}: the sync health report, the same as {@code GET /v1/health}. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show sync health: sessions and failures in the last hour, conflict rate, pending conflicts,"
                + " the oldest change not yet pulled, average sync duration.")
public final class HealthCommand implements Callable<Integer> {
    @Mixin
    SyncTarget.Options target;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (SyncTarget db = SyncTarget.open(target, System.getenv())) {
            HealthReport report = SyncHealth.report(db.dataSource);
            if (json) {
                Output.json(spec.commandLine().getOut(), report);
            } else {
                Output.text(spec.commandLine().getOut(), report.toText());
            }
            return 0;
        }
    }
}
