package dev.mooring.backup;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Backups#prune} kept and deleted (or would delete, on a dry run), each with the reason.
 *
 * @param dryRun   whether nothing was deleted
 * @param kept     the backups kept
 * @param deleted  the backups deleted, or to be deleted on a dry run
 * @param warnings what the user should know, such as having no verified backup at all
 * @param abandonedRemoved how many incomplete uploads of interrupted backups (in a folder, their temporary files)
 *                 were removed, being older than {@link RetentionPolicy#abandonedAfter()}; 0 on a dry run
 */
public record PruneResult(boolean dryRun, List<Decision> kept, List<Decision> deleted, List<String> warnings,
                          int abandonedRemoved) {
    public PruneResult {
        kept = List.copyOf(kept);
        deleted = List.copyOf(deleted);
        warnings = List.copyOf(warnings);
    }

    /** One backup file and why it is kept or deleted. */
    public record Decision(Path file, String status, String reason) {
    }
}
