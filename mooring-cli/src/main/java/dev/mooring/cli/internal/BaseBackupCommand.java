package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BaseBackupManifest;
import dev.mooring.backup.BaseBackups;
import dev.mooring.backup.Compression;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code mooring basebackup}: a physical base backup of a PostgreSQL server, for point-in-time recovery. */
@Command(name = "basebackup", mixinStandardHelpOptions = true,
        description = "Take a physical base backup of a PostgreSQL server (15 or newer) that archives its WAL with"
                + " mooring wal push: pg_backup_start, a copy of the data directory, pg_backup_stop. Run it on the"
                + " database host as a user who can read the data directory; the role needs EXECUTE on"
                + " pg_backup_start and pg_backup_stop (or superuser). Kept in the base sub-folder of --dir.")
public final class BaseBackupCommand extends DatabaseCommand {
    @Mixin
    WalArchiveOptions archive;

    @Option(names = "--pgdata", paramLabel = "DIR", description = "The server's data directory. Default: what the"
            + " server says (SHOW data_directory, which needs superuser or pg_read_all_settings).")
    Path pgdata;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "zstd",
            description = "Compression. Default: ${DEFAULT-VALUE}.")
    String compress;

    @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM, keyed by the passphrase in"
            + " $MOORING_BACKUP_PASSPHRASE.")
    boolean encrypt;

    @Option(names = "--jobs", defaultValue = "1", description = "Workers that read and compress the data directory in"
            + " parallel, 1 to 64. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        BackupConfig config = archive.config().withCompression(Compression.parse(compress)).withEncrypt(encrypt)
                .withJobs(jobs);
        BaseBackupManifest m = BaseBackups.create(config).take(url, pgdata);
        if (json) {
            Output.json(out, m);
        } else {
            Output.text(out, render(m, StoreOptions.where(BaseBackups.location(config.location()), m.file())));
        }
        return 0;
    }

    static String render(BaseBackupManifest m, String where) {
        return "Base backup " + m.name() + " of " + m.source() + " (PostgreSQL " + m.serverVersion() + ")\n"
                + "  file:     " + where + "\n"
                + "  WAL:      " + m.startLsn() + " (" + m.startWal() + ") to " + m.stopLsn() + " (" + m.stopWal()
                + "), timeline " + m.timeline() + "\n"
                + "  restores: to " + m.stoppedAt() + " or later, with the WAL archived since\n"
                + "  size:     " + m.files() + " files, " + Sizes.human(m.contentBytes()) + " -> "
                + Sizes.human(m.fileBytes()) + " (" + m.compression() + (m.encrypted() ? ", " + m.encryption() : "")
                + ") in " + m.durationMs() + " ms with " + m.jobs() + " job(s)";
    }
}
