package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.Migrator;
import dev.mooring.migrate.RepairResult;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code mooring repair}: clean up the history after a failure or a deliberate edit. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Remove failed migrations from the history and re-align checksums with deliberately edited files.")
public final class RepairCommand extends DatabaseCommand {
    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        RepairResult result = migrator.repair();
        if (json) {
            Output.json(out, result);
            return 0;
        }
        StringBuilder text = new StringBuilder("Repaired the history of " + url.redacted() + ":\n");
        text.append("  removed failed: ").append(result.removedFailed().isEmpty() ? "none" : String.join(", ", result.removedFailed())).append('\n');
        text.append("  re-aligned checksums: ").append(result.realigned().isEmpty() ? "none" : String.join(", ", result.realigned()));
        if (!result.missing().isEmpty()) {
            text.append("\n  applied but missing files (left as they are): ").append(String.join(", ", result.missing()));
        }
        Output.text(out, text.toString());
        return 0;
    }
}
