package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupEngine;
import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.Backups;
import dev.mooring.backup.Compression;
import dev.mooring.backup.VerifyResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.Migrator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code mooring backup}: one consistent, checksummed backup file plus its manifest, in a folder or S3, and with
 * {@code --copy-to} a second copy elsewhere.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a PostgreSQL database (a plain SQL script that psql can restore too) or a SQLite file (with"
                + " SQLite's online backup API) into --dir, with a JSON manifest of row counts, checksums and SHA-256."
                + " An s3:// --dir streams the backup into the bucket as it is written; the manifest comes last, so an"
                + " interrupted backup is never taken for a complete one.")
public final class BackupCommand extends DatabaseCommand {
    @Mixin
    BackupOptions backup;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "zstd",
            description = "Compression. Default: ${DEFAULT-VALUE}.")
    String compress;

    @Option(names = "--jobs", defaultValue = "1", description = "Parallel workers for a PostgreSQL backup, sharing one"
            + " snapshot. Default: ${DEFAULT-VALUE}.")
    int jobs;

    @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM, keyed by the passphrase in $"
            + BackupConfig.PASSPHRASE_VARIABLE + ".")
    boolean encrypt;

    @Option(names = "--engine", paramLabel = "builtin|pg_dump", defaultValue = "builtin",
            description = "What writes a PostgreSQL backup: Mooring's own engine (needs no client tools) or an installed"
                    + " pg_dump at least as new as the server. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--no-privileges", description = "Leave the privileges (GRANTs, default privileges) of the"
            + " PostgreSQL objects out of the backup. By default they are in it, as in pg_dump's; roles never are.")
    boolean noPrivileges;

    @Option(names = "--verify", description = "Afterwards, restore the backup into a scratch database and compare it"
            + " (see `mooring verify --restore`).")
    boolean verify;

    @Option(names = "--copy-to", paramLabel = "DIR|s3://BUCKET/PREFIX", description = "Keep a second copy of the"
            + " backup and its manifest here too (after --verify, so the copy's manifest records it), such as a bucket"
            + " beside a local --dir. Repeatable; `mooring prune` then takes a --dir for each place.")
    List<String> copyTo = new ArrayList<>();

    @Override
    int run(Migrator migrator, DatabaseUrl url, PrintWriter out) {
        List<String> places = new ArrayList<>(List.of(backup.dir));
        places.addAll(copyTo);
        BackupLocation location = backup.store.location(backup.dir, places);
        List<BackupLocation> copies = copyTo.stream().map(c -> backup.store.location(c, places)).toList();
        BackupConfig config = BackupConfig.defaults().withLocation(location).withHistoryTable(db.table)
                .withCompression(Compression.parse(compress))
                .withJobs(jobs).withEncrypt(encrypt).withEngine(BackupEngine.parse(engine)).withPrivileges(!noPrivileges);
        ProgressBar progress = ProgressBar.forConsole(spec.commandLine().getErr());
        BackupManifest manifest;
        try {
            manifest = Backups.create(url, config).withProgress(progress).backup();
        } finally {
            progress.finish();
        }
        String where = StoreOptions.where(location, manifest.file());
        VerifyResult verification = verify
                ? VerifyCommand.verify(new StoreOptions.Named(location, manifest.file()), true, config, null) : null;
        List<String> copied = new ArrayList<>();
        for (BackupLocation copy : copies) {
            try {
                Backups.copy(manifest.file(), config, copy);
            } catch (MooringException e) {
                throw new MooringException(e.code(), "The backup is complete in " + where + (copied.isEmpty() ? ""
                        : " and " + String.join(", ", copied)) + ", but its copy to " + copy.describe() + " failed: "
                        + e.getMessage(), e);
            }
            copied.add(StoreOptions.where(copy, manifest.file()));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("file", where);
            doc.put("copies", copied);
            doc.put("manifest", verification != null ? verification.manifest() : manifest);
            Output.json(out, doc);
        } else {
            Output.text(out, render(manifest, where));
            copied.forEach(c -> Output.text(out, "  copy:   " + c));
            if (verification != null) {
                Output.text(out, VerifyCommand.render(verification, where));
            }
        }
        return verification == null || verification.passed() ? 0 : ErrorCode.BACKUP_CORRUPT.exitCode();
    }

    static String render(BackupManifest m, String where) {
        return "Backed up " + m.source() + " (" + m.dialect() + " " + m.serverVersion() + ", schema version "
                + (m.schemaVersion() == null ? "none" : m.schemaVersion()) + ")\n"
                + "  file:   " + where + "\n"
                + "  tables: " + m.tables().size() + ", rows: " + m.totalRows() + "\n"
                + "  size:   " + Sizes.human(m.contentBytes()) + " -> " + Sizes.human(m.fileBytes()) + " (" + m.compression()
                + (m.encrypted() ? ", " + m.encryption() : "") + ") in " + m.durationMs() + " ms\n"
                + "  sha256: " + m.sha256();
    }
}
