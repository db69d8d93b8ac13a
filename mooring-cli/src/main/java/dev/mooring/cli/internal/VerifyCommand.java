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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import javax.sql.DataSource;

/** {@code mooring verify}: prove a backup is intact, and with {@code --restore} that it restores. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check a backup's SHA-256 against its manifest and its structure (decrypts, decompresses, parses,"
                + " row counts). With --restore, restore it into a scratch database (embedded PostgreSQL or a temporary"
                + " SQLite file) and compare every table's rows and checksum, the foreign keys and the migration history."
                + " The result is recorded in the manifest. Exits with code 15 when the backup is bad; with 16 when it"
                + " cannot be decrypted (no or wrong passphrase) and 28 when the verification could not run (the scratch"
                + " database cannot be reached, a full disk), which record nothing. A backup in S3 is read from there"
                + " and its manifest there records the result.")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|s3://BUCKET/PREFIX/NAME", description = "The backup: a file, or an object in S3. "
            + StoreOptions.CREDENTIALS)
    String file;

    @Mixin
    StoreOptions store;

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
        BackupConfig config = BackupConfig.defaults().withHistoryTable(table).withTrustForeignFiles(trustForeignFile);
        VerifyResult result;
        String where;
        if (StoreOptions.isUrl(file)) {
            StoreOptions.Named backup = store.backup(file);
            result = verify(backup, restore, config, scratchUrl);
            where = backup.where();
        } else {
            store.location(file, List.of(file)); // refuses --s3-* options for a file
            result = withScratch(scratchUrl, scratch -> Backups.verify(Path.of(file), restore, scratch, config));
            where = file;
        }
        if (json) {
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Output.text(spec.commandLine().getOut(), render(result, where));
        }
        return result.passed() ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    /** Verifies {@code backup}, read from its place, on a scratch server as {@link #withScratch} gives. */
    static VerifyResult verify(StoreOptions.Named backup, boolean restore, BackupConfig config, String scratchUrl) {
        BackupConfig there = config.withLocation(backup.location());
        return withScratch(scratchUrl, scratch -> Backups.verifyNamed(backup.name(), restore, scratch, there));
    }

    /**
     * Runs {@code verification} on the server at {@code scratchUrl}, or else on an embedded PostgreSQL started only
     * when a PostgreSQL restore gets as far as needing it.
     */
    private static VerifyResult withScratch(String scratchUrl, Function<ScratchServer, VerifyResult> verification) {
        if (scratchUrl != null) {
            return verification.apply(ScratchServer.on(DatabaseUrl.parse(scratchUrl)));
        }
        try (EmbeddedScratch scratch = new EmbeddedScratch()) {
            return verification.apply(scratch);
        }
    }

    /**
     * Scratch databases on an embedded PostgreSQL started by the first one: a verification that stops before its
     * restore (a wrong passphrase, a damaged file) or needs none (SQLite) never waits for a server to start, and one
     * that cannot start is a verification that could not run.
     */
    static final class EmbeddedScratch implements ScratchServer, AutoCloseable {
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

    /** The result for people; {@code where} is the backup's path or URL. */
    static String render(VerifyResult r, String where) {
        StringBuilder text = new StringBuilder(r.passed() ? "Verified " : "FAILED verification of ").append(where)
                .append(r.restored() ? " (restored into a scratch database)" : "").append('\n');
        r.checks().forEach(c -> text.append("  ok:      ").append(c).append('\n'));
        r.problems().forEach(p -> text.append("  PROBLEM: ").append(p).append('\n'));
        if (r.manifest() != null) {
            text.append("  recorded in ").append(r.file().getFileName()).append(".manifest.json");
        }
        return text.toString().stripTrailing();
    }
}
