package dev.mooring.cli.internal;

import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.PeerExchangeFile;
import dev.mooring.sync.client.PeerImportResult;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedInputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code mooring peer import FILE --db client.db}: checks an exchange file whole, then imports it in one transaction.
 * A damaged file exits 26, changes of another user's device 27; in both cases nothing changed.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Check an exchange file from mooring peer export (whole, against its SHA-256) and import it:"
                + " other devices' changes are applied here and kept for the server, values for tables and columns"
                + " this database lacks are kept until a migration adds them. Importing it again changes nothing.")
public final class PeerImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The exchange file; - reads it from standard input.")
    String file;

    @Mixin
    ClientDatabaseOptions client;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (SyncClient db = client.openExisting("mooring peer import changes.bin --db client.db")) {
            PeerImportResult result = "-".equals(file)
                    ? db.importChanges(fromStdin())
                    : db.importChanges(Path.of(file));
            String from = "-".equals(file) ? "standard input" : file;
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.json(out, PeerReports.importedJson(client.db, from, result));
            } else {
                Output.text(out, PeerReports.imported(client.db, from, result));
            }
            return 0;
        }
    }

    private static PeerChanges fromStdin() {
        return PeerExchangeFile.read(new BufferedInputStream(System.in), "from standard input");
    }
}
