package dev.mooring.cli;

import dev.mooring.cli.internal.BackupCommand;
import dev.mooring.cli.internal.ClientSyncCommand;
import dev.mooring.cli.internal.ConflictsCommand;
import dev.mooring.cli.internal.HealthCommand;
import dev.mooring.cli.internal.ServerCommand;
import dev.mooring.cli.internal.TokenCommand;
import dev.mooring.cli.internal.BaseBackupCommand;
import dev.mooring.cli.internal.BaselineCommand;
import dev.mooring.cli.internal.DriftCommand;
import dev.mooring.cli.internal.ExportUserCommand;
import dev.mooring.cli.internal.InfoCommand;
import dev.mooring.cli.internal.LintCommand;
import dev.mooring.cli.internal.MigrateCommand;
import dev.mooring.cli.internal.PackageCommand;
import dev.mooring.cli.internal.PeerCommand;
import dev.mooring.cli.internal.NewCommand;
import dev.mooring.cli.internal.PruneCommand;
import dev.mooring.cli.internal.Output;
import dev.mooring.cli.internal.QuickstartCommand;
import dev.mooring.cli.internal.RepairCommand;
import dev.mooring.cli.internal.RestoreCommand;
import dev.mooring.cli.internal.RevertCommand;
import dev.mooring.cli.internal.ValidateCommand;
import dev.mooring.cli.internal.VerifyCommand;
import dev.mooring.cli.internal.VersionProvider;
import dev.mooring.cli.internal.VisibleText;
import dev.mooring.cli.internal.WalCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * The {@code mooring} command. Every subcommand has {@code --help}; errors print one clear message and exit with
 * the code of their {@link dev.mooring.core.ErrorCode} (2 for usage errors).
 */
@Command(name = "mooring", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "The data layer for offline-first apps: migrations and backups for PostgreSQL and SQLite, and sync between them.",
        subcommands = {QuickstartCommand.class, MigrateCommand.class, InfoCommand.class, ValidateCommand.class,
                RevertCommand.class, BaselineCommand.class, RepairCommand.class, NewCommand.class, DriftCommand.class,
                LintCommand.class, BackupCommand.class, RestoreCommand.class, VerifyCommand.class, PruneCommand.class,
                ExportUserCommand.class, ServerCommand.class, TokenCommand.class, HealthCommand.class,
                ConflictsCommand.class, ClientSyncCommand.class, PackageCommand.class, PeerCommand.class, WalCommand.class, BaseBackupCommand.class,
                CommandLine.HelpCommand.class})
public final class MooringCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line and returns the exit code (for tests and embedding). Whatever reaches {@code out} and
     * {@code err} has its control characters escaped ({@link VisibleText}), so help is never coloured either.
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        // PostgreSQL starts `wal push` / `wal fetch` once per WAL file: build only their command, not every command's
        // options and mixins, which costs a third of a second of class loading in a fresh JVM
        boolean walOnly = args.length >= 2 && args[0].equals("wal") && (args[1].equals("push") || args[1].equals("fetch"));
        CommandLine cl = walOnly ? new CommandLine(new WalCommand()).setCommandName("mooring wal")
                : new CommandLine(new MooringCli());
        if (walOnly) {
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        }
        PrintWriter visibleOut = new PrintWriter(new VisibleText.Filter(out), true);
        PrintWriter visibleErr = new PrintWriter(new VisibleText.Filter(err), true);
        cl.setOut(visibleOut);
        cl.setErr(visibleErr);
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setExecutionExceptionHandler(Output::handleError);
        cl.setParameterExceptionHandler(Output::handleParseError);
        int code = cl.execute(args);
        visibleOut.flush();
        visibleErr.flush();
        return code;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
        System.exit(execute(out, err, args));
    }
}
