package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.Backups;
import dev.mooring.backup.RestoreOptions;
import dev.mooring.backup.RestoreResult;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationInfo;
import dev.mooring.migrate.MigrationVersion;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** {@code mooring restore}: restore a backup in one transaction. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup (the newest in --dir when no file is given) into the database, in one transaction:"
                + " a failure leaves the database exactly as it was. Without --clean the target must be empty. With"
                + " --pitr, restore a PostgreSQL server to a moment into a new data directory instead.")
public final class RestoreCommand extends DatabaseCommand {
    @Parameters(paramLabel = "FILE|s3://BUCKET/PREFIX/NAME", arity = "0..1", description = "The backup: a file, or an"
            + " object in S3. Default: the newest complete backup (one with its manifest) in --dir.")
    String file;

    @Mixin
    BackupOptions backup;

    @Option(names = "--clean", description = "Drop what the backup recreates first (PostgreSQL: the schemas it contains;"
            + " SQLite: all tables), in the same transaction. Destructive: asks for the database name unless --yes.")
    boolean clean;

    @Option(names = "--yes", description = "Do not ask for confirmation of --clean (needed without a terminal).")
    boolean yes;

    @Option(names = "--force", description = "Restore a backup whose schema version is newer than the newest migration"
            + " in --locations.")
    boolean force;

    @Option(names = "--trust-foreign-file", description = "Restore a PostgreSQL backup that Mooring's engine did not"
            + " write (--engine pg_dump) as it is: such a file may hold any SQL, which then runs with your role's rights."
            + " Without it, such a file is refused, and any other is checked against what Mooring writes before any of"
            + " it runs.")
    boolean trustForeignFile;

    @Option(names = "--countdown", paramLabel = "SECONDS", defaultValue = "3",
            description = "Seconds to wait before a --clean restore starts; Ctrl+C aborts. Default: ${DEFAULT-VALUE}.")
    int countdown;

    @Mixin
    PitrRestoreOptions pitr;

    @Override
    Integer runWithoutDatabase() {
        if (pitr.enabled) {
            if (file != null || clean) {
                throw new MooringException(ErrorCode.USAGE, "--pitr restores from the base backups and WAL in --dir into"
                        + " --pgdata: it takes no backup file and no --clean");
            }
            return pitr.run(backup, db, json, spec.commandLine().getOut());
        }
        if (pitr.misused()) {
            throw new MooringException(ErrorCode.USAGE, "--target-time, --target-lsn, --target, --pgdata, --pg-bin and"
                    + " --keep-running belong to a point-in-time restore: add --pitr");
        }
        return null;
    }

    /** A restore fills an empty database, which for SQLite may be a new file. */
    @Override
    boolean createsDatabase() {
        return true;
    }

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        BackupConfig config = BackupConfig.defaults().withHistoryTable(db.table).withTrustForeignFiles(trustForeignFile);
        Path localFile = null;
        String name;
        if (file == null) {
            config = config.withLocation(backup.location());
            name = Backups.create(url, config).latestName();
        } else if (StoreOptions.isUrl(file)) {
            StoreOptions.Named named = backup.store.backup(file);
            config = config.withLocation(named.location());
            name = named.name();
        } else {
            backup.store.location(file, List.of(file)); // refuses --s3-* options for a file
            localFile = Path.of(file);
            name = localFile.getFileName().toString();
        }
        PrintWriter err = spec.commandLine().getErr();
        if (clean) {
            confirm(url, name, err);
        }
        RestoreOptions options = RestoreOptions.defaults().withClean(clean).withForce(force)
                .withKnownSchemaVersion(knownVersion(migrator));
        ProgressBar progress = ProgressBar.forConsole(err);
        RestoreResult result;
        try {
            Backups backups = Backups.create(url, config).withProgress(progress);
            result = localFile != null ? backups.restore(localFile, options) : backups.restoreNamed(name, options);
        } finally {
            progress.finish();
        }
        if (json) {
            Output.json(out, result);
        } else {
            Output.text(out, render(result, url));
        }
        return 0;
    }

    private void confirm(DatabaseUrl url, String chosen, PrintWriter err) {
        String name = databaseName(url);
        Console console = System.console();
        if (!yes) {
            if (console == null) {
                throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, "--clean drops " + what(url) + " in " + name
                        + " and there is no terminal to confirm it on. Pass --yes to confirm.");
            }
            err.println("--clean will DROP " + what(url) + " in " + name + " (" + url.redacted() + ") and replace them with "
                    + chosen + ".");
            err.flush();
            String typed = console.readLine("Type the database name (%s) to continue: ", name);
            if (!name.equals(typed == null ? null : typed.strip())) {
                throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, "The name did not match; nothing was changed.");
            }
        }
        for (int s = countdown; s > 0; s--) {
            err.print("\rRestoring with --clean into " + name + " in " + s + " s (Ctrl+C aborts) ");
            err.flush();
            sleepOneSecond();
        }
        if (countdown > 0) {
            err.println();
        }
    }

    private static String what(DatabaseUrl url) {
        return "sqlite".equals(url.dialect().name()) ? "every table" : "the backup's schemas";
    }

    static String databaseName(DatabaseUrl url) {
        if ("sqlite".equals(url.dialect().name())) {
            return url.sqliteFile().getFileName().toString();
        }
        String path = URI.create(url.jdbcUrl().substring("jdbc:".length())).getPath();
        return path == null || path.length() <= 1 ? "postgres" : path.substring(1);
    }

    /** The newest migration version in --locations, or {@code null} when there are none to compare with. */
    private static String knownVersion(Migrator migrator) {
        try {
            return migrator.info().migrations().stream().map(MigrationInfo::version).filter(Objects::nonNull)
                    .map(MigrationVersion::parse).max(MigrationVersion::compareTo).map(MigrationVersion::toString)
                    .orElse(null);
        } catch (MooringException e) {
            return null; // no migrations to compare with: the schema version check is skipped
        }
    }

    private static void sleepOneSecond() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, "Interrupted; nothing was changed.");
        }
    }

    static String render(RestoreResult r, DatabaseUrl url) {
        TextTable table = new TextTable("Table", "Rows");
        for (TableSummary t : r.tables()) {
            table.row(t.table(), t.rows());
        }
        StringBuilder text = new StringBuilder();
        r.warnings().forEach(w -> text.append("warning: ").append(w).append('\n'));
        text.append("Restored ").append(r.file().getFileName()).append(" into ").append(url.redacted())
                .append(r.clean() ? " (clean)" : "").append(" in ").append(r.durationMs()).append(" ms\n")
                .append("  tables: ").append(r.tables().size()).append(", rows: ").append(r.totalRows())
                .append(", schema version: ").append(r.schemaVersion() == null ? "none" : r.schemaVersion()).append("\n\n")
                .append(table);
        return text.toString().stripTrailing();
    }
}
