package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.PackageDownloader;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring package list}: the packages the server has for a token's user ({@code --server}, {@code --token}),
 * or the packages a client database imported ({@code --db}).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the packages the sync server has for this token's user, or with --db the packages a"
                + " client database imported.")
public final class PackageListCommand implements Callable<Integer> {
    @Mixin
    SyncServerOptions remote;

    @Option(names = "--db", paramLabel = "FILE", description = "List what this client database imported instead.")
    Path db;

    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (db != null) {
            if (!Files.isRegularFile(db)) {
                throw new MooringException(ErrorCode.USAGE, "there is no client database at " + db + ".");
            }
            try (SyncClient client = ClientDatabase.open(db, null, null, null, RetryPolicy.none())) {
                var packages = client.packages();
                print(out, packages, PackageReports.imported(packages));
            }
            return 0;
        }
        Map<String, String> env = System.getenv();
        String token = remote.token(env, "to list packages with");
        try (HttpTransport transport = HttpTransport.create(remote.serverUrl(env), token)) {
            var packages = PackageDownloader.over(transport).list();
            print(out, packages, PackageReports.available(packages));
        }
        return 0;
    }

    private void print(PrintWriter out, Object list, String text) {
        if (json) {
            Output.json(out, list);
        } else {
            Output.text(out, text);
        }
    }
}
