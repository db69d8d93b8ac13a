package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.PeerSyncResult;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;

/**
 * {@code mooring peer sync --db client.db --peer http://host:port --token -}: exchanges changes both ways with a
 * device running {@code mooring peer serve}.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Exchange changes both ways with another device of the same user running mooring peer serve:"
                + " each side checks the other first, then this device's changes go there and the peer's come here.")
public final class PeerSyncCommand implements Callable<Integer> {
    @Mixin
    ClientDatabaseOptions client;

    @Mixin
    PeerTokenOption secret;

    @Option(names = "--peer", required = true, paramLabel = "URL",
            description = "The peer's address, as mooring peer serve printed it: http://host:port.")
    String peer;

    @Option(names = "--since", paramLabel = "HLC|TIME", description = "Only synced rows after this, both ways (as"
            + " with peer export). Default: all rows.")
    String since;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        URI url;
        try {
            url = new URI(peer.strip());
        } catch (URISyntaxException e) {
            throw new MooringException(ErrorCode.USAGE, "--peer '" + peer + "' is not a URL: " + e.getReason() + ".");
        }
        dev.mooring.sync.Hlc from = PeerSince.parse(since);
        String token = secret.token(System.getenv());
        try (SyncClient db = client.openExisting("mooring peer sync --db client.db --peer http://host:port")) {
            PeerSyncResult result = db.syncWithPeer(url, token, from);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, PeerReports.syncedJson(client.db, db.nodeId(), result));
            } else {
                Output.text(out, PeerReports.synced(client.db, db.nodeId(), result));
            }
            return 0;
        }
    }
}
