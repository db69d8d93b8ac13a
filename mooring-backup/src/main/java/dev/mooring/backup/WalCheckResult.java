package dev.mooring.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Whether a live server's WAL archiving reaches the archive, from {@link WalArchive#check}.
 *
 * @param works          whether the segment the check forced out arrived in the archive
 * @param segment        that segment; {@code null} when the settings made a switch pointless
 * @param waited         how long it took to arrive, or how long the check waited
 * @param walLevel       the server's {@code wal_level}
 * @param archiveMode    its {@code archive_mode}
 * @param archiveCommand its {@code archive_command}, with any password it holds masked
 * @param archivedCount  archived files since the statistics were reset ({@code pg_stat_archiver})
 * @param failedCount    failed attempts since then
 * @param lastFailedWal  the file of the last failure; {@code null} when none failed
 * @param lastFailedAt   when it failed; {@code null} when none failed
 * @param problems       what is wrong and how to fix it; empty when archiving works
 */
public record WalCheckResult(boolean works, String segment, Duration waited, String walLevel, String archiveMode,
                             String archiveCommand, long archivedCount, long failedCount, String lastFailedWal,
                             Instant lastFailedAt, List<String> problems) {
    public WalCheckResult {
        problems = List.copyOf(problems);
    }
}
