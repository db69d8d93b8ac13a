package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code mooring sync}: syncs a client's SQLite file with a sync server once, or with {@code --watch} again and again
 * until Ctrl+C. The client side of {@code mooring server}; not to be confused with {@link SyncCommand}, the base of
 * the commands that work on the server's database.
 *
 * <p>The server and the token come from {@link SyncServerOptions}; the token is printed nowhere.
 */
@Command(name = "sync", mixinStandardHelpOptions = true, subcommands = {ClientStatusCommand.class,
        ClientRetryCommand.class, ClientDiscardCommand.class},
        description = "Sync a client's SQLite database with a sync server (mooring server): pull the server's changes,"
                + " push the local ones, and print what moved. With --watch, sync every --interval until Ctrl+C; with"
                + " --live, as soon as anything changes on either side, until Ctrl+C.")
public final class ClientSyncCommand implements Callable<Integer> {
    /** Failures the next try cannot fix: a watch stops on them instead of repeating them every interval. */
    private static final Set<ErrorCode> PERMANENT = EnumSet.of(ErrorCode.USAGE, ErrorCode.CONFIGURATION,
            ErrorCode.AUTHENTICATION, ErrorCode.SYNC_INCOMPATIBLE);

    @Mixin
    ClientDatabaseOptions local;

    @Mixin
    SyncServerOptions remote;

    @Option(names = "--node-id", paramLabel = "ID", description = "This client's node id, on the first sync only."
            + " Default: a generated uuid, kept in the database.")
    String nodeId;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "5", description = "How often a call that failed in a"
            + " way that may pass (server down, time-out, 5xx) is retried, with growing waits. Default: ${DEFAULT-VALUE}.")
    int retries;

    @Option(names = "--watch", description = "Sync every --interval until Ctrl+C, one line per sync; a failure is"
            + " printed and the next sync tries again.")
    boolean watch;

    @Option(names = "--live", description = "Stay in sync until Ctrl+C: the server wakes this client as soon as a change"
            + " for it commits, and local edits are pushed once they pause; one line per sync. When the server cannot"
            + " be reached it tries again after a growing, random wait.")
    boolean live;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "With --watch: the pause between syncs, e.g. 30s, 5m. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--json", description = "Print the report as JSON (with --watch: one document per line).")
    boolean json;

    @Option(names = "--subscribe", paramLabel = "TABLE.COLUMN=VALUES", description = "Receive only the rows of TABLE"
            + " whose COLUMN holds one of VALUES (comma-separated), e.g. --subscribe groups.id=<id>; repeat for more"
            + " columns. The server allows the columns a table lists under subscribe-by. The database remembers it;"
            + " --subscribe all asks for everything again.")
    List<String> subscribe;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        local.db("mooring sync --db client.db (or mooring sync status --db client.db)");
        if (retries < 0) {
            throw new MooringException(ErrorCode.USAGE, "--retries must be 0 or more, was " + retries + ".");
        }
        Map<String, String> env = System.getenv();
        String secret = remote.token(env, "to sync with");
        URI url = remote.serverUrl(env);
        RetryPolicy defaults = RetryPolicy.defaults();
        RetryPolicy retry = retries == 0 ? RetryPolicy.none()
                : new RetryPolicy(retries + 1, defaults.initialDelay(), defaults.maxDelay());
        if (watch && live) {
            throw new MooringException(ErrorCode.USAGE, "--watch and --live are two ways to keep syncing; choose one"
                    + " (--live syncs as soon as anything changes, --watch every --interval).");
        }
        StopOnSignal stop = watch || live ? new StopOnSignal("mooring-sync-stop") : null;
        try (HttpTransport transport = HttpTransport.create(url, secret);
             SyncClient client = local.open(nodeId, retry, subscription(subscribe))) {
            return live ? live(client, transport, out) : watch ? watch(client, transport, out) : once(client, transport, out);
        } finally {
            if (stop != null) {
                stop.release(); // after the database is closed: from here a Ctrl+C may end the JVM
            }
        }
    }

    /** The {@code --subscribe} options as a subscription; {@code null} when none was given. */
    static Map<String, Map<String, List<String>>> subscription(List<String> options) {
        if (options == null || options.isEmpty()) {
            return null;
        }
        Map<String, Map<String, List<String>>> wanted = new java.util.TreeMap<>();
        for (String option : options) {
            if (option.equals("all")) {
                if (options.size() > 1) {
                    throw new MooringException(ErrorCode.USAGE, "--subscribe all asks for everything; give it alone.");
                }
                return Map.of();
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([A-Za-z_][A-Za-z0-9_.]*)\\.([A-Za-z_][A-Za-z0-9_]*)=(.+)")
                    .matcher(option);
            if (!m.matches()) {
                throw new MooringException(ErrorCode.USAGE, "--subscribe '" + option + "' is not TABLE.COLUMN=VALUES,"
                        + " e.g. --subscribe groups.id=0f8e…,7c21… (or --subscribe all).");
            }
            List<String> values = java.util.Arrays.stream(m.group(3).split(",")).map(String::strip)
                    .filter(v -> !v.isEmpty()).toList();
            wanted.computeIfAbsent(m.group(1), t -> new java.util.TreeMap<>())
                    .merge(m.group(2), values, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
        }
        return wanted;
    }

    private int once(SyncClient client, HttpTransport transport, PrintWriter out) {
        SyncReport report = client.sync(transport);
        if (json) {
            Output.json(out, ClientReports.json(local.db, client.nodeId(), transport.serverUrl(), report));
        } else {
            Output.text(out, ClientReports.text(local.db, client.nodeId(), transport.serverUrl(), report));
        }
        return 0;
    }

    /** Syncs, prints a line, waits, until interrupted: by Ctrl+C or SIGTERM ({@link StopOnSignal}) or by an embedding caller. */
    private int watch(SyncClient client, HttpTransport transport, PrintWriter out) {
        if (!json) {
            Output.text(out, "Syncing " + local.db + " (node " + client.nodeId() + ") with " + transport.serverUrl()
                    + " every " + interval.toString().substring(2).toLowerCase(Locale.ROOT) + "; Ctrl+C stops.");
            out.flush();
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                syncAndPrint(client, transport, out);
                Thread.sleep(interval.toMillis());
            }
        } catch (InterruptedException e) {
            // stopped between syncs; a sync cut short resumes where it stopped next time, as after a crash
        }
        if (!json) {
            Output.text(out, "Stopped.");
        }
        return 0;
    }

    /**
     * Live sync until interrupted (Ctrl+C, SIGTERM): a line per sync and per change of state, printed on this
     * thread from what the live thread reports. A failure no retry can mend ends it with that failure's exit code.
     */
    private int live(SyncClient client, HttpTransport transport, PrintWriter out) {
        java.util.concurrent.BlockingQueue<Object> events = new java.util.concurrent.LinkedBlockingQueue<>();
        client.addListener(new dev.mooring.sync.client.SyncListener() {
            @Override
            public void syncFinished(SyncReport report) {
                events.add(new Object[] {Instant.now(), report});
            }

            @Override
            public void liveStatusChanged(dev.mooring.sync.client.LiveStatus status) {
                events.add(status);
            }
        });
        if (!json) {
            Output.text(out, "Syncing " + local.db + " (node " + client.nodeId() + ") live with "
                    + transport.serverUrl() + "; Ctrl+C stops.");
            out.flush();
        }
        client.startLive(transport);
        try {
            while (true) {
                Object event = events.take();
                if (event instanceof dev.mooring.sync.client.LiveStatus status) {
                    printStatus(status, out);
                    if (status.state() == dev.mooring.sync.client.LiveStatus.State.STOPPED && status.error() != null) {
                        throw new MooringException(status.errorCode() == null ? ErrorCode.INTERNAL : status.errorCode(),
                                status.error());
                    }
                } else {
                    Object[] sync = (Object[]) event;
                    printSync((Instant) sync[0], client, transport, (SyncReport) sync[1], out);
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            // Ctrl+C: stop after the sync in progress
        } finally {
            client.stopLive();
        }
        if (!json) {
            Output.text(out, "Stopped.");
        }
        return 0;
    }

    private void printStatus(dev.mooring.sync.client.LiveStatus status, PrintWriter out) {
        Instant at = Instant.now();
        switch (status.state()) {
            case LIVE -> {
                if (json) {
                    Output.jsonLine(out, Map.of("at", at, "live", true));
                } else {
                    Output.text(out, at.truncatedTo(ChronoUnit.SECONDS) + "  live: waiting for changes");
                }
            }
            case OFFLINE -> {
                if (json) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("at", at);
                    doc.put("live", false);
                    doc.put("nextAttempt", status.nextAttempt());
                    doc.putAll(Output.error(status.errorCode(), status.error()));
                    Output.jsonLine(out, doc);
                } else {
                    Output.text(out, at.truncatedTo(ChronoUnit.SECONDS) + "  offline (exit "
                            + status.errorCode().exitCode() + "): " + status.error() + " Next try at "
                            + status.nextAttempt().truncatedTo(ChronoUnit.SECONDS) + ".");
                }
            }
            default -> {
                // connecting and stopping say nothing a sync line or the last line does not
            }
        }
    }

    private void printSync(Instant at, SyncClient client, HttpTransport transport, SyncReport report, PrintWriter out) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("at", at);
            doc.putAll(ClientReports.json(local.db, client.nodeId(), transport.serverUrl(), report));
            Output.jsonLine(out, doc);
        } else {
            Output.text(out, ClientReports.line(at, report));
        }
    }

    /** One sync of a watch: its line, or its error unless the watch is stopping; a permanent failure is thrown. */
    private void syncAndPrint(SyncClient client, HttpTransport transport, PrintWriter out) {
        Instant at = Instant.now();
        try {
            printSync(at, client, transport, client.sync(transport), out);
        } catch (MooringException e) {
            if (PERMANENT.contains(e.code())) {
                throw e;
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("at", at);
                doc.putAll(Output.error(e.code(), e.getMessage()));
                Output.jsonLine(out, doc);
            } else {
                Output.text(out, at.truncatedTo(ChronoUnit.SECONDS) + "  failed (exit "
                        + e.code().exitCode() + "): " + e.getMessage());
            }
        }
        out.flush();
    }
}
