package dev.mooring.backup;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of {@link Backups#verify}.
 *
 * @param file     the backup file
 * @param manifest the manifest, with this verification recorded; {@code null} when the backup has none
 * @param restored whether the backup was restored into a scratch database and compared
 * @param checks   what was checked and passed, in order
 * @param problems what failed; empty when the backup is good
 */
public record VerifyResult(Path file, BackupManifest manifest, boolean restored, List<String> checks,
                           List<String> problems) {
    public VerifyResult {
        checks = List.copyOf(checks);
        problems = List.copyOf(problems);
    }

    /** Whether every check passed. */
    public boolean passed() {
        return problems.isEmpty();
    }
}
