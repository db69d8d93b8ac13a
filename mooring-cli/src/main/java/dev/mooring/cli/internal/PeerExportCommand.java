package dev.mooring.cli.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.sync.Hlc;
import dev.mooring.sync.PeerChanges;
import dev.mooring.sync.client.SyncClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code mooring peer export --db client.db [--since T] [--out FILE|-]}: writes the changes another device of the
 * same user needs, as an exchange file, to a file or to standard output. The summary goes to standard output, or to
 * standard error when the file does.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write this device's changes the server has not acknowledged (its own and those it relays) and"
                + " its synced rows as a checksummed exchange file, for mooring peer import on another device of the"
                + " same user. Pending edits are numbered first, as a sync would.")
public final class PeerExportCommand implements Callable<Integer> {
    @Mixin
    ClientDatabaseOptions client;

    @Option(names = "--since", paramLabel = "HLC|TIME", description = "Only synced rows after this: a hybrid logical"
            + " time (001763745600000-00003-node-a), an ISO-8601 time (2026-11-21T12:00:00Z) or a date (UTC)."
            + " Unacknowledged changes are always sent. Default: all rows.")
    String since;

    @Option(names = "--out", paramLabel = "FILE|-", defaultValue = "-", description = "Where to write the file; - for"
            + " standard output (redirect it: > changes.bin). Default: ${DEFAULT-VALUE}.")
    String out;

    @Option(names = "--force", description = "Replace the --out file if it exists.")
    boolean force;

    @Option(names = "--json", description = "Print the summary as JSON (needs --out FILE).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        boolean toStdout = "-".equals(out);
        if (toStdout && json) {
            throw new MooringException(ErrorCode.USAGE, "--json prints to standard output, where the exchange file"
                    + " goes without --out; pass --out FILE.");
        }
        if (toStdout && System.console() != null) {
            throw new MooringException(ErrorCode.USAGE, "the exchange file is binary: redirect standard output"
                    + " (mooring peer export --db … > changes.bin) or pass --out FILE.");
        }
        Path file = toStdout ? null : Path.of(out);
        if (file != null && Files.exists(file) && !force) {
            throw new MooringException(ErrorCode.CONFIRMATION_REQUIRED, file + " exists; add --force to replace it.");
        }
        Hlc since = PeerSince.parse(this.since);
        try (SyncClient db = client.openExisting("mooring peer export --db client.db --out changes.bin")) {
            PeerChanges changes = toStdout ? toStdout(db, since) : toFile(db, since, file);
            PrintWriter summary = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
            String to = toStdout ? "standard output" : file.toString();
            if (json) {
                Output.json(summary, PeerReports.exportedJson(client.db, changes, to));
            } else {
                Output.text(summary, PeerReports.exported(client.db, changes, to));
            }
            return 0;
        }
    }

    private static PeerChanges toStdout(SyncClient db, Hlc since) {
        // the process's own standard output: the exchange is bytes, picocli's writer is for text
        return db.exportChanges(since, new java.io.FilterOutputStream(System.out) {
            @Override
            public void close() {
                // standard output stays open
            }
        });
    }

    /** Written beside the target and moved over it, so the file is either whole or absent. */
    private static PeerChanges toFile(SyncClient db, Hlc since, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Path partial = Files.createTempFile(parent, file.getFileName().toString(), ".part");
        try {
            PeerChanges changes;
            try (OutputStream stream = Files.newOutputStream(partial)) {
                changes = db.exportChanges(since, stream);
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return changes;
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
