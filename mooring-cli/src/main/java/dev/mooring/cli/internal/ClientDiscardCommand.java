package dev.mooring.cli.internal;

import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;

/**
 * {@code mooring sync discard}: drops rejected changes for good ({@link SyncClient#discardRejected}). Their rows are
 * left as they are: the values the server refused stay on this device, not synced, until the server sends a newer
 * version of the row (a row the server never had stays only here).
 */
@Command(name = "discard", mixinStandardHelpOptions = true,
        description = "Drop changes the server rejected, for good: they are not sent again. Their rows keep their"
                + " local values until the server sends a newer version of the row (a row the server never had stays"
                + " only on this device). Name them by seq (mooring sync status lists them) or use --all. Needs no"
                + " server.")
public final class ClientDiscardCommand extends RejectedChangesCommand {
    public ClientDiscardCommand() {
        super("discard", "discarded", SyncClient::discardRejected);
    }

    @Override
    String headline(int n) {
        return "Discarded " + n + " rejected change(s); they will not be sent:";
    }

    @Override
    String next() {
        return "Their rows keep the local values the server refused, not synced, until the server sends a newer"
                + " version of the row; a row the server never had stays only on this device: fix or delete it in the"
                + " app.";
    }
}
