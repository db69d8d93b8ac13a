package dev.mooring.cli.internal;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.InfoReport;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationState;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** {@code mooring info}: applied, pending and failed migrations. */
@Command(name = "info", aliases = "status", mixinStandardHelpOptions = true,
        description = "Show applied, pending and failed migrations with dates and durations.")
public final class InfoCommand extends DatabaseCommand {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        InfoReport report = migrator.info();
        if (json) {
            Output.json(out, report);
        } else {
            Output.text(out, render(report, url));
        }
        return 0;
    }

    static String render(InfoReport report, DatabaseUrl url) {
        TextTable table = new TextTable("Version", "Description", "Type", "State", "Applied at (UTC)", "Time");
        for (MigrationInfo m : report.migrations()) {
            table.row(m.version() == null ? "" : m.version(), m.description(), m.type().name().toLowerCase(),
                    m.state().name().toLowerCase().replace('_', ' '),
                    m.appliedAt() == null ? "" : WHEN.format(m.appliedAt()),
                    m.executionMs() == null ? "" : m.executionMs() + " ms");
        }
        return url.redacted() + " (" + report.dialect() + ", history table " + report.table() + ")\n"
                + "Current version: " + (report.currentVersion() == null ? "none" : report.currentVersion())
                + " | applied " + report.count(MigrationState.APPLIED) + ", pending " + report.pending()
                + (report.count(MigrationState.FAILED) > 0 ? ", FAILED " + report.count(MigrationState.FAILED) : "") + "\n\n"
                + (report.migrations().isEmpty() ? "No migrations found.\n" : table.toString());
    }
}
