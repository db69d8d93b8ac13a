package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.LocalPackage;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring package export --db client.db --type NAME --out FILE}: writes the newest package of a type the
 * client imported, the very file it verified, for another device to import with {@code --source share}.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write the newest package of a type this client imported (the file as the server cut it) for"
                + " another device: mooring package import FILE --source share there.")
public final class PackageExportCommand implements Callable<Integer> {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The client's SQLite database.")
    Path db;

    @Option(names = "--type", required = true, paramLabel = "NAME", description = "The package type (its name).")
    String type;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the package.")
    Path out;

    @Option(names = "--force", description = "Overwrite the --out file if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (Files.exists(out) && !force) {
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, out + " exists; add --force to overwrite it.");
        }
        if (!Files.isRegularFile(db)) {
            throw new MooringException(ErrorCode.USAGE, "there is no client database at " + db + ".");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        try (SyncClient client = ClientDatabase.open(db, null, null, null, RetryPolicy.none())) {
            LocalPackage exported = client.exportPackage(type, out);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("id", exported.id());
                doc.put("type", exported.type());
                doc.put("version", exported.version());
                doc.put("out", out.toString());
                Output.json(stdout, doc);
            } else {
                Output.text(stdout, "Exported package " + exported.type() + " version " + exported.version() + " (id "
                        + exported.id() + ") to " + out + "; import it on another device with: mooring package"
                        + " import " + out + " --db <client.db> --source share");
            }
            return 0;
        }
    }
}
