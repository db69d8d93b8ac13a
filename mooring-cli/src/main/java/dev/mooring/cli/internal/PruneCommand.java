package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.Backups;
import dev.mooring.backup.PruneResult;
import dev.mooring.backup.RetentionPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code mooring prune}: delete old backups, never the newest verified one. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete backups in --dir that the retention policy does not keep. Kept, per database: backups younger"
                + " than --keep-days, the --keep-last newest verified backups, and always the newest verified one. Failed"
                + " and unverified backups never count toward --keep-last.")
public final class PruneCommand implements Callable<Integer> {
    @Mixin
    BackupOptions backup;

    @Option(names = "--keep-days", required = true, description = "Keep backups taken within this many days.")
    int keepDays;

    @Option(names = "--keep-last", defaultValue = "0", description = "Keep this many newest verified backups. Default: ${DEFAULT-VALUE}.")
    int keepLast;

    @Option(names = "--dry-run", description = "Only show what would be deleted.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BackupConfig config = backup.config(dev.mooring.migrate.MigrationConfig.DEFAULT_TABLE);
        PruneResult result = Backups.prune(config, new RetentionPolicy(keepDays, keepLast), dryRun);
        if (json) {
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Output.text(spec.commandLine().getOut(), render(result));
        }
        return 0;
    }

    static String render(PruneResult r) {
        TextTable table = new TextTable("Backup", "Status", "Action", "Why");
        r.kept().forEach(d -> table.row(d.file().getFileName().toString(), d.status(), "keep", d.reason()));
        r.deleted().forEach(d -> table.row(d.file().getFileName().toString(), d.status(),
                r.dryRun() ? "would delete" : "deleted", d.reason()));
        StringBuilder text = new StringBuilder();
        r.warnings().forEach(w -> text.append("warning: ").append(w).append('\n'));
        text.append(r.kept().isEmpty() && r.deleted().isEmpty() ? "No backups found.\n" : table.toString());
        text.append(r.dryRun() ? "Dry run: nothing was deleted; " + r.deleted().size() + " would be."
                : "Deleted " + r.deleted().size() + ", kept " + r.kept().size() + ".");
        return text.toString();
    }
}
