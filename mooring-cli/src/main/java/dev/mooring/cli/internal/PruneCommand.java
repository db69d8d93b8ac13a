package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.Backups;
import dev.mooring.backup.PitrPruneResult;
import dev.mooring.backup.PitrRetention;
import dev.mooring.backup.PruneResult;
import dev.mooring.backup.RetentionPolicy;
import dev.mooring.core.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code mooring prune}: delete old backups, never the newest verified one, in each place given. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete backups in --dir that the retention policy does not keep. Kept, per database: backups younger"
                + " than --keep-days, the --keep-last newest verified backups, and always the newest verified one. Failed"
                + " and unverified backups never count toward --keep-last. Also removes what interrupted backups left:"
                + " incomplete S3 multipart uploads (in a folder, temporary files) older than --abandoned-after. With"
                + " several --dir (a folder and a bucket that --copy-to fills), the rules apply to each place on its own.")
public final class PruneCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR|s3://BUCKET/PREFIX", defaultValue = "dumps",
            description = "Where the backups are: a folder, or a bucket and prefix in S3. Repeatable. "
                    + StoreOptions.CREDENTIALS + " Default: ${DEFAULT-VALUE}.")
    List<String> dirs;

    @Mixin
    StoreOptions store;

    @Option(names = "--keep-days", required = true, description = "Keep backups taken within this many days.")
    int keepDays;

    @Option(names = "--keep-last", defaultValue = "0", description = "Keep this many newest verified backups. Default: ${DEFAULT-VALUE}.")
    int keepLast;

    @Option(names = "--abandoned-after", paramLabel = "DURATION", defaultValue = "1d", converter = DurationConverter.class,
            description = "How old an incomplete upload must be to be taken for an interrupted backup's and removed;"
                    + " longer than your longest backup, which has one while it runs. Default: ${DEFAULT-VALUE}.")
    Duration abandonedAfter;

    @Option(names = "--dry-run", description = "Only show what would be deleted.")
    boolean dryRun;

    @Option(names = "--json", description = "Print the result as JSON: one place's result, or with several --dir a list"
            + " of {location, result}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RetentionPolicy policy = new RetentionPolicy(keepDays, keepLast, abandonedAfter);
        List<Map<String, Object>> results = new ArrayList<>();
        PrintWriter out = spec.commandLine().getOut();
        for (String dir : dirs) {
            BackupLocation location = store.location(dir, dirs);
            BackupConfig config = BackupConfig.defaults().withLocation(location);
            PruneResult result = Backups.prune(config, policy, dryRun);
            PitrPruneResult pitr = PitrRetention.prune(config, policy, dryRun);
            boolean hasPitr = !pitr.keptBase().isEmpty() || !pitr.deletedBase().isEmpty() || pitr.walKept() + pitr.walDeleted() > 0;
            if (json) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("location", location.describe());
                entry.put("result", result);
                if (hasPitr) {
                    entry.put("pitr", pitr);
                }
                results.add(entry);
            } else {
                Output.text(out, (dirs.size() > 1 ? "== " + location.describe() + " ==\n" : "") + render(result, abandonedAfter)
                        + (hasPitr ? "\n" + render(pitr) : ""));
            }
        }
        if (json) {
            if (results.size() == 1) {
                // one place: the result itself, with the point-in-time archive's under "pitr" when there is one
                Map<String, Object> single = Output.asMap(results.get(0).get("result"));
                if (results.get(0).containsKey("pitr")) {
                    single.put("pitr", results.get(0).get("pitr"));
                }
                Output.json(out, single);
            } else {
                Output.json(out, results);
            }
        }
        return 0;
    }

    static String render(PitrPruneResult r) {
        TextTable table = new TextTable("Base backup", "Action", "Why");
        r.keptBase().forEach(d -> table.row(d.file().toString(), "keep", d.reason()));
        r.deletedBase().forEach(d -> table.row(d.file().toString(), r.dryRun() ? "would delete" : "deleted", d.reason()));
        StringBuilder text = new StringBuilder("Point-in-time recovery archive:\n");
        r.warnings().forEach(w -> text.append("warning: ").append(w).append('\n'));
        if (!r.keptBase().isEmpty() || !r.deletedBase().isEmpty()) {
            text.append(table);
        }
        text.append(r.dryRun() ? "Dry run: " + r.deletedBase().size() + " base backup(s) and " + r.walDeleted()
                + " WAL file(s) would be deleted" : "Deleted " + r.deletedBase().size() + " base backup(s) and "
                + r.walDeleted() + " WAL file(s)").append("; kept ").append(r.keptBase().size()).append(" base backup(s)")
                .append(" and ").append(r.walKept()).append(" WAL file(s)")
                .append(r.oldestWalKept() == null ? "." : ", from " + r.oldestWalKept() + ", which the oldest kept base"
                        + " backup starts at.");
        return text.toString();
    }

    static String render(PruneResult r, Duration abandonedAfter) {
        TextTable table = new TextTable("Backup", "Status", "Action", "Why");
        r.kept().forEach(d -> table.row(d.file().getFileName().toString(), d.status(), "keep", d.reason()));
        r.deleted().forEach(d -> table.row(d.file().getFileName().toString(), d.status(),
                r.dryRun() ? "would delete" : "deleted", d.reason()));
        StringBuilder text = new StringBuilder();
        r.warnings().forEach(w -> text.append("warning: ").append(w).append('\n'));
        text.append(r.kept().isEmpty() && r.deleted().isEmpty() ? "No backups found.\n" : table.toString());
        String age = Durations.format(abandonedAfter);
        text.append(r.dryRun() ? "Dry run: nothing was deleted; " + r.deleted().size() + " would be. Incomplete uploads"
                + " older than " + age + " would be removed."
                : "Deleted " + r.deleted().size() + ", kept " + r.kept().size() + ". Removed " + r.abandonedRemoved()
                + " incomplete upload(s) of interrupted backups older than " + age + ".");
        return text.toString();
    }
}
