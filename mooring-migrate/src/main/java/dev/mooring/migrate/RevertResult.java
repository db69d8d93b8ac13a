package dev.mooring.migrate;

import java.util.List;

/** What {@code revert} undid, newest first, and the version it left the database at. */
public record RevertResult(String dialect, String fromVersion, String toVersion, List<AppliedMigration> reverted, long totalMs) {
    public RevertResult {
        reverted = List.copyOf(reverted);
    }
}
