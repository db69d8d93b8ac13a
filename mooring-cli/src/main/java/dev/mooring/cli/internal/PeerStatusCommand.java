package dev.mooring.cli.internal;

import dev.mooring.sync.PeerInfo;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code mooring peer status --db client.db}: what a peer would learn of this device (its {@link PeerInfo}), the
 * relays waiting for the server, and the values kept for tables and columns it does not have yet. Needs no server.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show this device as peers see it (node, user, client schema, capabilities, tables), the other"
                + " devices' changes waiting to be relayed to the server, and what is kept for a later migration.")
public final class PeerStatusCommand implements Callable<Integer> {
    @Mixin
    ClientDatabaseOptions client;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (SyncClient db = client.openExisting("mooring peer status --db client.db")) {
            PeerInfo me = db.peerInfo();
            Map<String, Long> relays = new TreeMap<>();
            for (OutboxEntry entry : db.outbox()) {
                if (entry.relayed()) {
                    relays.merge(entry.originNode(), 1L, Long::sum);
                }
            }
            long later = db.keptForLater();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, PeerReports.statusJson(client.db, me, relays, later));
            } else {
                Output.text(out, PeerReports.status(client.db, me, relays, later));
            }
            return 0;
        }
    }
}
