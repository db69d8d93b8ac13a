package dev.mooring.cli.internal;

import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;

/**
 * {@code mooring sync retry}: puts rejected changes back in line ({@link SyncClient#retryRejected}), after the app
 * fixed what the server objected to. The next sync sends each with the row's fixes since, under a new number. A
 * relayed change cannot be retried: its number is its origin's, and the rejection used it up.
 */
@Command(name = "retry", mixinStandardHelpOptions = true,
        description = "Put changes the server rejected back in line, after fixing their rows: the next mooring sync"
                + " sends them again, with the rows' fixes. Name them by seq (mooring sync status lists them) or use"
                + " --all. Needs no server.")
public final class ClientRetryCommand extends RejectedChangesCommand {
    public ClientRetryCommand() {
        super("retry", "retried", SyncClient::retryRejected);
    }

    @Override
    String refusal(OutboxEntry entry) {
        return entry.relayed() ? "entry " + entry.seq() + " (" + entry.table() + " " + entry.id() + ") is a change of"
                + " node " + entry.originNode() + " this device relayed: it cannot be sent again (its number is its"
                + " origin's, and the rejection used it up); discard it instead" : null;
    }

    @Override
    String headline(int n) {
        return "Put " + n + " rejected change(s) back in line:";
    }

    @Override
    String next() {
        return "The next sync sends them again, with the fixes made to their rows since: mooring sync --db " + db;
    }
}
