package dev.mooring.server;

import java.util.List;

/**
 * What {@link SyncSchema#install} did. Installing twice in a row reports everything up to date.
 *
 * @param schemaVersion     the version of Mooring's bookkeeping schema ({@code mooring.*}) now applied
 * @param schemaMigrations  bookkeeping migrations applied by this call (empty when it was current)
 * @param triggersCreated   synced tables that got their capture trigger now (new, or rules changed)
 * @param triggersUpToDate  synced tables whose trigger was already right
 * @param triggersRemoved   tables that are no longer synced and lost their capture trigger
 */
public record InstallReport(String schemaVersion, List<String> schemaMigrations, List<String> triggersCreated,
                            List<String> triggersUpToDate, List<String> triggersRemoved) {
    public InstallReport {
        schemaMigrations = List.copyOf(schemaMigrations);
        triggersCreated = List.copyOf(triggersCreated);
        triggersUpToDate = List.copyOf(triggersUpToDate);
        triggersRemoved = List.copyOf(triggersRemoved);
    }

    /** Whether the call changed nothing. */
    public boolean noChange() {
        return schemaMigrations.isEmpty() && triggersCreated.isEmpty() && triggersRemoved.isEmpty();
    }
}
