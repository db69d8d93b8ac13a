package dev.mooring.backup;

import java.util.List;

/**
 * What {@link PitrRetention#prune} kept and deleted in a point-in-time recovery archive (or would, on a dry run).
 *
 * @param dryRun        whether nothing was deleted
 * @param keptBase      the base backups kept, each with the reason
 * @param deletedBase   the base backups deleted (or to be deleted)
 * @param walDeleted    how many archived WAL files were deleted (or would be): those older than every kept base
 *                      backup's first segment
 * @param walKept       how many archived WAL files are kept
 * @param oldestWalKept the first segment every kept base backup can replay from; {@code null} when no WAL is
 *                      deleted because there is no base backup
 * @param warnings      what the user should know, such as an archive with no base backup
 */
public record PitrPruneResult(boolean dryRun, List<PruneResult.Decision> keptBase, List<PruneResult.Decision> deletedBase,
                              int walDeleted, int walKept, String oldestWalKept, List<String> warnings) {
    public PitrPruneResult {
        keptBase = List.copyOf(keptBase);
        deletedBase = List.copyOf(deletedBase);
        warnings = List.copyOf(warnings);
    }
}
