package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.Backups;
import dev.mooring.backup.ScratchServer;
import dev.mooring.backup.VerifyResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import javax.sql.DataSource;

/** {@code mooring verify}: prove a backup is intact, and with {@code --restore} that it restores. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a backup's SHA-256 against its manifest and its structure (decrypts, decompresses, parses,"
                + " row counts). With --restore, restore it into a scratch database (embedded PostgreSQL or a temporary"
                + " SQLite file) and compare every table's rows and checksum, the foreign keys and the migration history."
                + " The result is recorded in the manifest. Exits with code 15 when the backup is bad; with 16 when it"
                + " cannot be decrypted (no or wrong passphrase) and 28 when the verification could not run (the scratch"
                + " database cannot be reached, a full disk), which record nothing.")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The backup file.")
    Path file;

    @Option(names = "--restore", description = "Also restore into a scratch database and compare.")
    boolean restore;

    @Option(names = "--scratch-url", paramLabel = "URL",
            description = "With --restore of a PostgreSQL backup: the server to restore into, in a throw-away database"
                    + " created and dropped there through this URL's database (its user needs CREATEDB). Default: an"
                    + " embedded PostgreSQL.")
    String scratchUrl;

    @Option(names = "--table", defaultValue = MigrationConfig.DEFAULT_TABLE,
            description = "The migration history table. Default: ${DEFAULT-VALUE}.")
    String table;

    @Option(names = "--trust-foreign-file", description = "With --restore, restore a PostgreSQL backup that Mooring's"
            + " engine did not write (--engine pg_dump) as it is, unchecked: such a file may hold any SQL.")
    boolean trustForeignFile;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        VerifyResult result = verify(file, restore, BackupConfig.defaults().withHistoryTable(table)
                .withTrustForeignFiles(trustForeignFile), scratchUrl);
        if (json) {
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Output.text(spec.commandLine().getOut(), render(result));
        }
        return result.passed() ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    /**
     * Verifies on the server at {@code scratchUrl}, or else on an embedded PostgreSQL started only when a PostgreSQL
     * restore gets as far as needing it.
     */
    static VerifyResult verify(Path file, boolean restore, BackupConfig config, String scratchUrl) {
        if (scratchUrl != null) {
            return Backups.verify(file, restore, ScratchServer.on(DatabaseUrl.parse(scratchUrl)), config);
        }
        try (EmbeddedScratch scratch = new EmbeddedScratch()) {
            return Backups.verify(file, restore, scratch, config);
        }
    }

    /**
     * Scratch databases on an embedded PostgreSQL started by the first one: a verification that stops before its
     * restore (a wrong passphrase, a damaged file) or needs none (SQLite) never waits for a server to start, and one
     * that cannot start is a verification that could not run.
     */
    private static final class EmbeddedScratch implements ScratchServer, AutoCloseable {
        private EmbeddedPostgresServer server;

        @Override
        public DataSource createDatabase(String name) {
            if (server == null) {
                server = EmbeddedPostgresServer.startTemporary();
            }
            return scratch(server).createDatabase(name);
        }

        @Override
        public void dropDatabase(String name) {
            scratch(server).dropDatabase(name);
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Scratch databases on {@code server}, created and dropped per verification. */
    static ScratchServer scratch(EmbeddedPostgresServer server) {
        return new ScratchServer() {
            @Override
            public DataSource createDatabase(String name) {
                server.createDatabaseIfMissing(name);
                return server.dataSource(name);
            }

            @Override
            public void dropDatabase(String name) {
                server.dropDatabase(name);
            }
        };
    }

    static String render(VerifyResult r) {
        StringBuilder text = new StringBuilder(r.passed() ? "Verified " : "FAILED verification of ").append(r.file())
                .append(r.restored() ? " (restored into a scratch database)" : "").append('\n');
        r.checks().forEach(c -> text.append("  ok:      ").append(c).append('\n'));
        r.problems().forEach(p -> text.append("  PROBLEM: ").append(p).append('\n'));
        if (r.manifest() != null) {
            text.append("  recorded in ").append(r.file().getFileName()).append(".manifest.json");
        }
        return text.toString().stripTrailing();
    }
}
