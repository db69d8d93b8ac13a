package dev.mooring.cli.internal;

import dev.mooring.backup.Compression;
import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.WalArchive;
import dev.mooring.backup.WalArchiver;
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
        subcommands = {WalCommand.Push.class, WalCommand.Fetch.class, WalCommand.Check.class, WalCommand.Archiver.class})
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

    @Command(name = "archiver", mixinStandardHelpOptions = true,
            description = "Archive a server's WAL ahead of PostgreSQL, so that archive_command need not start a JVM per"
                    + " segment: runs until stopped, watching pg_wal/archive_status, pushing each file as wal push does"
                    + " (--jobs at a time), and prints the archive_command to set, which waits for the archiver and"
                    + " falls back to wal push when it is stopped. Run it on the database host as the data directory's"
                    + " owner, for example as a systemd service beside PostgreSQL's.")
    static final class Archiver implements Callable<Integer> {
        @Option(names = "--pgdata", required = true, paramLabel = "DIR", description = "The server's data directory.")
        Path pgdata;

        @Mixin
        WalArchiveOptions archive;

        @Option(names = "--jobs", defaultValue = "2", description = "Pushes at a time. Default: ${DEFAULT-VALUE}.")
        int jobs;

        @Option(names = "--compress", paramLabel = "none|gzip|zstd", defaultValue = "zstd",
                description = "Compression. Default: ${DEFAULT-VALUE}.")
        String compress;

        @Option(names = "--encrypt", description = "Encrypt with AES-256-GCM, keyed by the passphrase in $"
                + "MOORING_BACKUP_PASSPHRASE.")
        boolean encrypt;

        @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "5s", converter = DurationConverter.class,
                description = "How long the printed archive_command waits for the archiver before it pushes the file"
                        + " itself. Default: ${DEFAULT-VALUE}.")
        Duration wait;

        @Option(names = "--verbose", description = "Print a line for every file pushed, not only for failures.")
        boolean verbose;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            BackupConfig config = archive.config().withCompression(Compression.parse(compress)).withEncrypt(encrypt);
            java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("--compress", compress));
            if (encrypt) {
                options.add("--encrypt");
            }
            String push = dev.mooring.backup.internal.pitr.RecoverySettings.pushCommand(PitrRestoreOptions.mooringCommand(),
                    archive.location(), options);
            String command = WalArchiver.archiveCommand(pgdata, wait, push);
            StopOnSignal stop = new StopOnSignal("mooring-wal-archiver-stop");
            WalArchiver.Listener listener = new WalArchiver.Listener() {
                @Override
                public void pushed(String name, boolean alreadyArchived, Duration took) {
                    if (verbose) {
                        synchronized (out) {
                            Output.text(out, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                    + " " + name + (alreadyArchived ? " was already archived" : " archived") + " in "
                                    + took.toMillis() + " ms");
                            out.flush();
                        }
                    }
                }

                @Override
                public void failed(String name, String error) {
                    synchronized (out) {
                        Output.text(err, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                + " warning: could not archive " + name + " (trying again in 5 s; archive_command pushes"
                                + " it itself if this goes on): " + error);
                        err.flush();
                    }
                }
            };
            try (WalArchiver archiver = WalArchiver.start(config, pgdata, jobs, listener)) {
                Output.text(out, "Archiving the WAL of " + pgdata.toAbsolutePath().normalize() + " into "
                        + WalArchive.location(archive.location()).describe() + " ahead of PostgreSQL, " + jobs
                        + " at a time (Ctrl+C stops). Set in postgresql.conf, then reload:\n"
                        + "archive_command = '" + command.replace("'", "''") + "'");
                out.flush();
                new java.util.concurrent.CountDownLatch(1).await(); // until Ctrl+C or SIGTERM (StopOnSignal)
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            } finally {
                stop.release();
            }
        }
    }
}
