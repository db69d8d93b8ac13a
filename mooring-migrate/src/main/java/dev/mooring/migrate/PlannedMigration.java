package dev.mooring.migrate;

import java.util.List;

/** A migration a dry run would apply, with the statements it would execute. */
public record PlannedMigration(String version, String description, MigrationType type, String script,
                               boolean transactional, List<String> statements) {
    public PlannedMigration {
        statements = List.copyOf(statements);
    }
}
