package dev.mooring.cli.internal;

import dev.mooring.sync.client.HttpTransport;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.PackageDownloader;
import dev.mooring.sync.client.RetryPolicy;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring package download --id ID --db client.db}: downloads a package from the sync server (resuming an
 * interrupted download), verifies it and imports it. The server serves a token's user only their own packages and
 * shared ones, so the package counts as this client's user's.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a package from the sync server (resuming an interrupted download), verify it and"
                + " import it into a client database.")
public final class PackageDownloadCommand implements Callable<Integer> {
    @Option(names = "--id", required = true, paramLabel = "ID", description = "The package id (mooring package list).")
    String id;

    @Mixin
    SyncServerOptions remote;

    @Mixin
    ClientDatabaseOptions client;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Path db = client.db("mooring package download --id ID --db client.db");
        Map<String, String> env = System.getenv();
        String token = remote.token(env, "to download with");
        try (HttpTransport transport = HttpTransport.create(remote.serverUrl(env), token);
             SyncClient target = client.open(null, RetryPolicy.none())) {
            ImportResult result = target.downloadPackage(PackageDownloader.over(transport), id);
            PackageImportCommand.print(spec.commandLine().getOut(), db, result, json);
            return 0;
        }
    }
}
