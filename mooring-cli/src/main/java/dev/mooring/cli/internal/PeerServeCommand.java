package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.PeerRequestServed;
import dev.mooring.sync.client.PeerServer;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code mooring peer serve --db client.db --port P --token -}: opens the database's LAN endpoint for
 * {@code mooring peer sync} on other devices of the same user, prints where it listens and a line for every request
 * it answers, and serves until Ctrl+C, SIGTERM or an interrupt of the thread running it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve this database's changes to other devices of the same user on the local network (mooring"
                + " peer sync there) until Ctrl+C. Plain HTTP with a shared token: bind to an address only your own"
                + " devices reach.")
public final class PeerServeCommand implements Callable<Integer> {
    @Mixin
    ClientDatabaseOptions client;

    @Mixin
    PeerTokenOption secret;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1", description = "The address to listen"
            + " on: this machine's LAN address (e.g. 192.168.1.20) for other devices, 0.0.0.0 for every interface."
            + " Default: ${DEFAULT-VALUE} (this machine only).")
    String bind;

    @Option(names = "--port", required = true, paramLabel = "PORT", description = "The port; 0 lets the system"
            + " choose one (printed).")
    int port;

    @Option(names = "--json", description = "Print where it listens as one JSON line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (port < 0 || port > 65_535) {
            throw new MooringException(ErrorCode.USAGE, "--port must be between 0 and 65535, was " + port + ".");
        }
        InetSocketAddress address;
        try {
            address = new InetSocketAddress(InetAddress.getByName(bind.strip()), port);
        } catch (UnknownHostException e) {
            throw new MooringException(ErrorCode.USAGE, "--bind '" + bind + "' is not an address of this machine: "
                    + e.getMessage() + ".");
        }
        String token = secret.token(System.getenv());
        PrintWriter out = spec.commandLine().getOut();
        StopOnSignal stop = new StopOnSignal("mooring-peer-stop");
        try (SyncClient db = client.openExisting("mooring peer serve --db client.db --port 8640 --token -")) {
            db.addListener(new SyncListener() {
                @Override
                public void peerRequestServed(PeerRequestServed request) {
                    report(out, request);
                }
            });
            try (PeerServer server = db.servePeers(address, token)) {
                announce(out, db, server);
                new CountDownLatch(1).await(); // until interrupted: by Ctrl+C or SIGTERM (StopOnSignal), or the embedder
            }
        } catch (InterruptedException e) {
            // stopped; an exchange still running finished before the database was closed
        } finally {
            stop.release();
        }
        if (!json) {
            Output.text(out, "Stopped.");
        }
        return 0;
    }

    /** One line per request answered: when, who, which route, the status, and what moved or why it was refused. */
    private void report(PrintWriter out, PeerRequestServed request) {
        synchronized (out) {
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("at", request.at().toString());
                doc.put("address", request.address());
                doc.put("route", request.route());
                doc.put("status", request.status());
                doc.put("peerNode", request.peerNode());
                doc.put("outcome", request.outcome());
                Output.jsonLine(out, doc);
            } else {
                Output.text(out, request.at().truncatedTo(ChronoUnit.SECONDS) + " " + request.address() + " "
                        + request.route() + " " + request.status()
                        + (request.peerNode() == null ? "" : " node " + request.peerNode()) + ": " + request.outcome());
            }
            out.flush();
        }
    }

    private void announce(PrintWriter out, SyncClient db, PeerServer server) {
        InetAddress at = server.address().getAddress();
        String url = "http://" + (at.getHostAddress().contains(":") ? "[" + at.getHostAddress() + "]"
                : at.getHostAddress()) + ":" + server.port();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("listening", url);
            doc.put("db", client.db.toString());
            doc.put("nodeId", db.nodeId());
            Output.jsonLine(out, doc);
        } else {
            String reach = at.isAnyLocalAddress() ? " (every interface: other devices use this machine's LAN address)"
                    : at.isLoopbackAddress() ? " (this machine only: --bind <LAN address> lets other devices in)" : "";
            Output.text(out, "Serving peers of " + client.db + " (node " + db.nodeId() + ") at " + url + reach
                    + "; Ctrl+C stops.");
            Output.text(out, "On another device of the same user: mooring peer sync --db <client.db> --peer " + url
                    + " --token -");
        }
        out.flush();
    }
}
