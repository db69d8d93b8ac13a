package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.PackageOrder;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code mooring package download --id ID --db client.db}: downloads a package from the sync server (resuming an
 * interrupted download), verifies it and imports it; with {@code --name} it first orders one of the database's
 * synced tables. The server serves a token's user only their own packages and
 * shared ones, so the package counts as this client's user's.
 */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a package from the sync server (resuming an interrupted download), verify it and"
                + " import it into a client database.")
public final class PackageDownloadCommand implements Callable<Integer> {
    @Option(names = "--id", paramLabel = "ID", description = "The package id (mooring package list).")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "Instead of --id: order a package of this name"
            + " holding the database's synced tables (the token user's rows, or with --shared public-read ones); the"
            + " server cuts it, or serves the last one if nothing in it changed.")
    String name;

    @Option(names = "--shared", description = "With --name: order a shared package.")
    boolean shared;

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
        if ((id == null) == (name == null) || (shared && name == null)) {
            throw new MooringException(ErrorCode.USAGE, "name the package: --id ID (mooring package list shows them),"
                    + " or order one with --name NAME [--shared].");
        }
        Path db = client.db("mooring package download --id ID --db client.db");
        Map<String, String> env = System.getenv();
        String token = remote.token(env, "to download with");
        try (HttpTransport transport = HttpTransport.create(remote.serverUrl(env), token);
             SyncClient target = client.open(null, RetryPolicy.none())) {
            PackageDownloader server = PackageDownloader.over(transport);
            String wanted = id != null ? id
                    : server.order(new PackageOrder(name, List.copyOf(target.tables()), shared)).id();
            ImportResult result = target.downloadPackage(server, wanted);
            PackageImportCommand.print(spec.commandLine().getOut(), db, result, json);
            return 0;
        }
    }
}
