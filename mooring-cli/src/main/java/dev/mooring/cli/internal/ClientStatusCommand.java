package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.ClientStatus;
import dev.mooring.sync.client.OutboxEntry;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncConflict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mooring sync status}: where a client database stands, read from the database alone (no server): its node
 * id, the changes waiting to be pushed, the ones the server rejected with its reasons, the last successful sync, the
 * last error and the latest conflicts.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show where a client database stands: node id, pending and rejected changes (with the server's"
                + " reasons), the last successful sync, the last error and the latest conflicts. Needs no server.")
public final class ClientStatusCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The client's SQLite database.")
    Path db;

    @Option(names = "--conflicts", paramLabel = "N", defaultValue = "5",
            description = "How many of the latest conflicts to show. Default: ${DEFAULT-VALUE}.")
    int conflicts;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (conflicts < 0) {
            throw new MooringException(ErrorCode.USAGE, "--conflicts must be 0 or more, was " + conflicts + ".");
        }
        if (!Files.isRegularFile(db)) {
            throw new MooringException(ErrorCode.USAGE, "there is no client database at " + db + "; sync one first with"
                    + " mooring sync --db " + db + " --tables <a,b>.");
        }
        PrintWriter out = spec.commandLine().getOut();
        // the tables the database synced before: opening with the same list changes nothing
        try (SyncClient client = ClientDatabase.open(db, null, null, null, RetryPolicy.none())) {
            ClientStatus status = client.status();
            List<OutboxEntry> rejected = client.rejected();
            List<SyncConflict> latest = conflicts == 0 ? List.of() : client.conflicts(conflicts);
            if (json) {
                Output.json(out, ClientReports.json(db, client.tables(), status, rejected, latest));
            } else {
                Output.text(out, ClientReports.text(db, client.tables(), status, rejected, latest));
            }
            return 0;
        }
    }
}
