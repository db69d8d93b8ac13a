package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.Backups;
import dev.mooring.backup.ScratchServer;
import dev.mooring.backup.VerifyResult;
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
                + " The result is recorded in the manifest. Exits with code 15 when the backup is bad.")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The backup file.")
    Path file;

    @Option(names = "--restore", description = "Also restore into a scratch database and compare.")
    boolean restore;

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
                .withTrustForeignFiles(trustForeignFile));
        if (json) {
            Output.json(spec.commandLine().getOut(), result);
        } else {
            Output.text(spec.commandLine().getOut(), render(result));
        }
        return result.passed() ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    /** Verifies, starting an embedded PostgreSQL as the scratch server only when a PostgreSQL restore needs one. */
    static VerifyResult verify(Path file, boolean restore, BackupConfig config) {
        if (!restore || file.getFileName().toString().contains(".sqlite")) {
            return Backups.verify(file, restore, null, config);
        }
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startTemporary()) {
            return Backups.verify(file, true, scratch(server), config);
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
