package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.server.PackageGeneration;
import dev.mooring.server.PackageRequest;
import dev.mooring.server.Packages;
import dev.mooring.server.SyncSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code mooring package}: data packages, large read-mostly data that reaches devices as one file. {@code create}
 * cuts one on the server; {@code import}, {@code download}, {@code export} and {@code list} work on a client.
 */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Data packages: synced rows as one verifiable file that devices download, copy or hand on,"
                + " after which sync continues incrementally.",
        subcommands = {PackageCommand.Create.class, PackageImportCommand.class, PackageDownloadCommand.class,
                PackageExportCommand.class, PackageListCommand.class})
public final class PackageCommand {
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Cut a package from the synced tables in one snapshot (or serve the last one again when"
                    + " nothing it holds has changed), and record the generation.")
    static final class Create extends SyncCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "The package type, e.g. maps; each new package of a name gets the next version.")
        String name;

        @Option(names = "--tables", required = true, split = ",", paramLabel = "TABLE",
                description = "The synced tables it holds, comma-separated.")
        List<String> tables;

        @Option(names = "--user", paramLabel = "ID", description = "Hold this user's rows (each table filtered by its"
                + " owner column, as that user's bootstrap).")
        String user;

        @Option(names = "--shared", description = "Hold public-read tables only, for every user.")
        boolean shared;

        @Option(names = "--where", paramLabel = "SQL", description = "An extra condition over the tables' columns,"
                + " applied to every table, e.g. \"region = 'north'\". Runs read-only; one condition, no ';' or"
                + " comments. A filtered package does not move a client's cursor.")
        String where;

        @Option(names = "--out", required = true, paramLabel = "FILE",
                description = "Where to write the package; a file there is replaced. The server serves downloads"
                        + " from this path, so keep it where the server can read it.")
        Path out;

        @Option(names = "--requested-by", paramLabel = "WHO",
                description = "Who asked, for the record of generations. Default: the operating-system user.")
        String requestedBy;

        @Option(names = "--client-schema-version", paramLabel = "VERSION", description = "The oldest client schema"
                + " version the package is for; older clients refuse it. Default: any.")
        String clientSchemaVersion;

        @Option(names = "--history-table", paramLabel = "TABLE", defaultValue = MigrationConfig.DEFAULT_TABLE,
                description = "The application's migration history table, for the schema version in the manifest."
                        + " Default: ${DEFAULT-VALUE}.")
        String historyTable;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        String configNeededBy() {
            return "package create";
        }

        @Override
        void check() {
            if (shared == (user != null)) {
                throw new MooringException(ErrorCode.USAGE, "say whose rows the package holds: --user <id> for one"
                        + " user's, or --shared for public-read tables (not both).");
            }
        }

        @Override
        int run(SyncTarget db, PrintWriter out) {
            SyncSchema.install(db.dataSource, db.config); // the record of generations is part of the bookkeeping
            String[] names = tables.stream().map(String::strip).toArray(String[]::new);
            PackageRequest request = (shared ? PackageRequest.shared(name, names)
                    : PackageRequest.forUser(name, user, names)).withWhere(where)
                    .withClientSchemaVersion(clientSchemaVersion);
            if (requestedBy != null) {
                request = request.withRequestedBy(requestedBy);
            }
            PackageGeneration g = Packages.create(db.dataSource, db.config).withHistoryTable(historyTable)
                    .cut(request, this.out);
            if (json) {
                Output.json(out, PackageReports.json(g));
            } else {
                Output.text(out, PackageReports.text(g));
            }
            return 0;
        }
    }
}
