package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.PackageImport;
import dev.mooring.sync.client.PackageSource;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code mooring package import FILE --db client.db}: verifies a package file and loads it as synced data. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Verify a package file and load its rows into a client database as synced data (local edits"
                + " not yet pushed are kept); sync then continues from the package when it covers everything.")
public final class PackageImportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "The package file.")
    Path file;

    @Mixin
    ClientDatabaseOptions client;

    @Option(names = "--user", paramLabel = "ID", description = "The user this client syncs as: a package of that"
            + " user's rows may then move the cursor; another user's package is refused.")
    String user;

    @Option(names = "--source", paramLabel = "import|share", defaultValue = "import",
            description = "How the file came: import (a copy, a download made elsewhere) or share (handed over by"
                    + " another device). Default: ${DEFAULT-VALUE}.")
    String source;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PackageSource from = switch (source) {
            case "import" -> PackageSource.IMPORT;
            case "share" -> PackageSource.SHARE;
            default -> throw new MooringException(ErrorCode.USAGE, "--source must be import or share, was '" + source
                    + "'.");
        };
        if (user != null && user.isBlank()) {
            throw new MooringException(ErrorCode.USAGE, "--user is blank; name the user this client syncs as.");
        }
        Path db = client.db("mooring package import FILE --db client.db");
        try (SyncClient target = client.open(null, RetryPolicy.none())) {
            ImportResult result = target.importPackage(file, new PackageImport(from, user));
            print(spec.commandLine().getOut(), db, result, json);
            return 0;
        }
    }

    static void print(PrintWriter out, Path db, ImportResult result, boolean json) {
        if (json) {
            Output.json(out, PackageReports.json(db, result));
        } else {
            Output.text(out, PackageReports.text(db, result));
        }
    }
}
