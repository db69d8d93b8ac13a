package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What {@code mooring sync retry} and {@code mooring sync discard} share: they act on outbox entries the server
 * rejected, named by their {@code seq} (as {@code mooring sync status} lists them) or all with {@code --all}, on the
 * database alone (no server). Every entry named is checked before any is touched: an unknown one, or one that is
 * not rejected, changes nothing and exits 2.
 */
abstract class RejectedChangesCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The client's SQLite database.")
    Path db;

    @Parameters(arity = "0..*", paramLabel = "SEQ", description = "The rejected changes, by the seq mooring sync"
            + " status lists them with.")
    List<Long> seqs = new ArrayList<>();

    @Option(names = "--all", description = "Every rejected change.")
    boolean all;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** The command's verb ({@code retry}) and its past tense ({@code retried}), for messages and the JSON key. */
    private final String verb;
    private final String done;
    /** Acts on an entry; {@code false} when it was no longer a rejected entry this command can act on. */
    private final java.util.function.BiPredicate<SyncClient, Long> act;

    RejectedChangesCommand(String verb, String done, java.util.function.BiPredicate<SyncClient, Long> act) {
        this.verb = verb;
        this.done = done;
        this.act = act;
    }

    /** Why {@code entry}, a rejected one, cannot be acted on; {@code null} (the default) when it can. */
    String refusal(OutboxEntry entry) {
        return null;
    }

    /** The line before the {@code n} entries acted on. */
    abstract String headline(int n);

    /** The text after the entries acted on: what happens next. */
    abstract String next();

    @Override
    public Integer call() {
        if (all == !seqs.isEmpty()) {
            throw new MooringException(ErrorCode.USAGE, (all ? "name the rejected changes by seq or use --all, not both"
                    : "name the rejected changes to " + verb + " by their seq, or use --all") + "; mooring sync status"
                    + " --db " + db + " lists them.");
        }
        ClientDatabase.requireExisting(db);
        PrintWriter out = spec.commandLine().getOut();
        // the tables the database synced before: opening with the same list changes nothing
        try (SyncClient client = ClientDatabase.open(db, null, null, null, RetryPolicy.none())) {
            List<OutboxEntry> chosen = all ? actionable(client.rejected()) : named(client);
            List<OutboxEntry> acted = new ArrayList<>();
            for (OutboxEntry entry : chosen) {
                if (act.test(client, entry.seq())) {
                    acted.add(entry);
                }
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("db", db.toString());
                doc.put(done, ClientReports.rejectedJson(acted));
                doc.put("rejectedLeft", client.rejected().size());
                Output.json(out, doc);
            } else if (acted.isEmpty()) {
                Output.text(out, "No rejected changes in " + db + (all && !client.rejected().isEmpty() ? " that can be "
                        + done : "") + "; nothing to " + verb + ".");
            } else {
                int left = client.rejected().size();
                Output.text(out, headline(acted.size()) + "\n" + ClientReports.rejectedTable(acted) + next()
                        + (left == 0 ? "" : "\n" + left + " rejected change(s) left; mooring sync status --db " + db
                        + " lists them."));
            }
            return 0;
        }
    }

    /** With {@code --all}: the rejected entries this command can act on; the others stay, and are said to. */
    private List<OutboxEntry> actionable(List<OutboxEntry> rejected) {
        return rejected.stream().filter(e -> refusal(e) == null).toList();
    }

    /** The entries named, each checked: it exists, is rejected, and this command can act on it. */
    private List<OutboxEntry> named(SyncClient client) {
        Map<Long, OutboxEntry> outbox = new LinkedHashMap<>();
        client.outbox().forEach(e -> outbox.put(e.seq(), e));
        List<OutboxEntry> chosen = new ArrayList<>();
        for (long seq : new java.util.LinkedHashSet<>(seqs)) {
            OutboxEntry entry = outbox.get(seq);
            String problem = entry == null ? "there is no outbox entry " + seq + " in " + db
                    : !entry.state().equals("rejected") ? "entry " + seq + " (" + entry.table() + " " + entry.id()
                    + ") is not rejected: it is " + entry.state() + ", still to be sent" : refusal(entry);
            if (problem != null) {
                throw new MooringException(ErrorCode.USAGE, problem + "; nothing was " + done + ". mooring sync status"
                        + " --db " + db + " lists the rejected changes with their seq.");
            }
            chosen.add(entry);
        }
        return chosen;
    }
}
