package dev.mooring.migrate;

/** A migration that a run applied or reverted, and how long it took. */
public record AppliedMigration(String version, String description, MigrationType type, String script, long executionMs) {
}
