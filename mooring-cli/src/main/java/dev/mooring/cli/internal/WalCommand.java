package dev.mooring.cli.internal;

import dev.mooring.backup.Compression;
import dev.mooring.backup.WalArchive;
import dev.mooring.backup.WalCheckResult;
import dev.mooring.backup.WalFetchResult;
import dev.mooring.backup.WalPushResult;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code mooring wal}: PostgreSQL's WAL archive, for point-in-time recovery. {@code push} and {@code fetch} are
 * what {@code archive_command} and {@code restore_command} run.
 */
@Command(name = "wal", mixinStandardHelpOptions = true,
        description = "The PostgreSQL WAL archive for point-in-time recovery: push and fetch are PostgreSQL's"
                + " archive_command and restore_command.",
        subcommands = {WalCommand.Push.class, WalCommand.Fetch.class, WalCommand.Check.class})
public final class WalCommand {
    /** The exit code of {@code wal fetch} for a file the archive does not hold: PostgreSQL then ends recovery. */
    static final int NOT_IN_ARCHIVE = 1;
    /**
     * The exit code of {@code wal fetch} for any failure: above 125, which PostgreSQL takes as fatal and stops
     * recovery, where a lower code would make it take the file for missing and end recovery early, at the wrong point.
     */
    static final int FETCH_FAILED = 128;

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Archive one WAL file: archive_command = 'mooring wal push %%p --dir …'. Pushing a file that"
                    + " is archived with the same content again succeeds; a different file of the same name is an error,"
                    + " never an overwrite.")
    static final class Push implements Callable<Integer> {
        @Parameters(paramLabel = "%p", description = "The WAL file, as PostgreSQL passes it (relative to the data directory).")
        Path file;

        @Mixin
        WalArchiveOptions archive;

        @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "zstd",
                description = "Compression. Default: ${DEFAULT-VALUE}.")
        String compress;

        @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM, keyed by the passphrase in $"
                + "MOORING_BACKUP_PASSPHRASE (in the server's environment).")
        boolean encrypt;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (WalArchive wal = WalArchive.open(archive.config().withCompression(Compression.parse(compress))
                    .withEncrypt(encrypt))) {
                WalPushResult r = wal.push(file);
                Output.text(spec.commandLine().getOut(), r.alreadyArchived()
                        ? r.name() + " was already archived with the same content in " + r.where() + "; nothing to do"
                        : "Archived " + r.name() + " (" + Sizes.human(r.bytes()) + " -> " + Sizes.human(r.storedBytes())
                        + ") to " + r.where());
            }
            return 0;
        }
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = "Restore one archived WAL file: restore_command = 'mooring wal fetch %%f %%p --dir …'. Exits 1"
                    + " when the archive does not hold the file (normal at the end of recovery), 128 on any other"
                    + " failure, so PostgreSQL stops recovery instead of ending it early.")
    static final class Fetch implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "%f", description = "The WAL file's name.")
        String name;

        @Parameters(index = "1", paramLabel = "%p", description = "Where to write it (relative to the data directory).")
        Path destination;

        @Mixin
        WalArchiveOptions archive;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (WalArchive wal = WalArchive.open(archive.config())) {
                WalFetchResult r = wal.fetch(name, destination);
                if (!r.found()) {
                    Output.text(spec.commandLine().getErr(), name + " is not in the WAL archive " + wal.describe()
                            + " (normal at the end of recovery)");
                    return NOT_IN_ARCHIVE;
                }
                Output.text(spec.commandLine().getOut(), "Restored " + name + " (" + Sizes.human(r.bytes()) + ")");
                return 0;
            } catch (MooringException e) {
                Output.text(spec.commandLine().getErr(), "error: " + e.getMessage());
                return FETCH_FAILED;
            }
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Check that a running PostgreSQL archives its WAL into --dir: its settings (wal_level,"
                    + " archive_mode, archive_command), then a forced segment switch (pg_switch_wal) whose segment must"
                    + " arrive in the archive within --timeout. Exits 0 when it does, 3 when it does not, naming why.")
    static final class Check implements Callable<Integer> {
        @Mixin
        DatabaseOptions db;

        @Mixin
        WalArchiveOptions archive;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
                description = "How long to wait for the segment. Default: ${DEFAULT-VALUE}.")
        Duration timeout;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            DatabaseUrl url = db.databaseUrl(System.getenv());
            WalCheckResult r;
            try (WalArchive wal = WalArchive.open(archive.config())) {
                r = wal.check(url, timeout);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    Output.json(out, r);
                } else {
                    Output.text(out, render(r, wal.describe()));
                }
            }
            return r.works() ? 0 : ErrorCode.CONFIGURATION.exitCode();
        }

        static String render(WalCheckResult r, String where) {
            StringBuilder text = new StringBuilder();
            text.append("wal_level ").append(r.walLevel()).append(", archive_mode ").append(r.archiveMode())
                    .append(", archive_command ").append(r.archiveCommand().isEmpty() ? "(empty)" : r.archiveCommand())
                    .append("\narchived ").append(r.archivedCount()).append(" file(s), ").append(r.failedCount())
                    .append(" failure(s)").append(r.lastFailedWal() == null ? "" : ", the last for " + r.lastFailedWal()
                            + " at " + r.lastFailedAt()).append('\n');
            r.problems().forEach(p -> text.append(r.works() ? "warning: " : "problem: ").append(p).append('\n'));
            text.append(r.works() ? "Archiving works: " + r.segment() + " arrived in " + where + " "
                    + r.waited().toMillis() + " ms after the switch."
                    : "Archiving does not reach " + where + (r.segment() == null ? "." : " (waited for " + r.segment()
                    + ")."));
            return text.toString();
        }
    }
}
