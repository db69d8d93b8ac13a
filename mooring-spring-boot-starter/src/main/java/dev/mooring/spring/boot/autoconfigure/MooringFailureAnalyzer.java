package dev.mooring.spring.boot.autoconfigure;

import dev.mooring.core.MooringException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start-up that failed on a {@link MooringException}: Mooring's own message, and what to do about it in
 * terms of the {@code mooring.*} properties (Mooring's messages name the command-line options). Registered in
 * {@code META-INF/spring.factories}.
 */
public final class MooringFailureAnalyzer extends AbstractFailureAnalyzer<MooringException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MooringException cause) {
        return new FailureAnalysis("Mooring failed (" + cause.code() + "): " + cause.getMessage(),
                action(cause), cause);
    }

    private static String action(MooringException cause) {
        return switch (cause.code()) {
            case MIGRATION_FAILED -> "Fix the migration named above and start the application again; the migrations"
                    + " before it stay applied. (A migration that ran outside a transaction, -- mooring:no-transaction,"
                    + " is recorded as failed instead: repair the database by hand, then run `mooring repair`.)";
            case VALIDATION_FAILED -> "Put the applied migration files back as they were applied, or, after a deliberate"
                    + " edit, re-align the history with `mooring repair`. To start without migrating, set"
                    + " mooring.migrate.enabled=false.";
            case INVALID_MIGRATION -> "Fix the migration file named above (its name, or a duplicate version).";
            case LOCK_TIMEOUT -> "Another instance is migrating the same database. Wait for it, or raise"
                    + " mooring.migrate.lock-timeout.";
            case CONNECTION, DATABASE -> "Check the database settings (spring.datasource.*, or mooring.migrate.url) and"
                    + " that the database is running.";
            case CONFIGURATION, USAGE -> "Check the mooring.* properties: Mooring's --locations is"
                    + " mooring.migrate.locations (migrations belong in src/main/resources/db/migration by default),"
                    + " --table is mooring.migrate.table, --config is mooring.sync.config, --port is"
                    + " mooring.sync.server.port. To start without migrating, set mooring.migrate.enabled=false.";
            default -> "See the message above. To start without migrating, set mooring.migrate.enabled=false.";
        };
    }
}
