package dev.mooring.cli.internal;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A command that works on the sync server's database ({@link SyncTarget}): opens it, runs, and closes it (stopping
 * the embedded server if it started one). Checks that need no database belong in {@link #check()}, so bad options
 * fail before an embedded PostgreSQL is started.
 */
abstract class SyncCommand implements Callable<Integer> {
    @Mixin
    SyncTarget.Options target;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        check();
        try (SyncTarget db = SyncTarget.open(target, System.getenv(), configNeededBy())) {
            if (db.note != null) {
                Output.text(spec.commandLine().getErr(), db.note);
            }
            return run(db, spec.commandLine().getOut());
        }
    }

    /**
     * What in this command needs the sync configuration, for the message when {@code --url} comes without
     * {@code --config} ("package create"); {@code null}, the default, when it works without one. Called after
     * {@link #check()}.
     */
    String configNeededBy() {
        return null;
    }

    /** Validates the options; throws {@code MooringException} with {@code USAGE}. Nothing by default. */
    void check() {
    }

    abstract int run(SyncTarget db, PrintWriter out);
}
