package dev.mooring.backup;

import java.time.Instant;
import java.util.List;

/**
 * One run of a {@link BackupSchedule}: the backup, its verification, its copies and the retention after it.
 *
 * @param startedAt  when the run started
 * @param finishedAt when it ended
 * @param succeeded  whether every step succeeded (a verification that found a problem, a failed copy or a failed
 *                   prune make the run fail, although the backup may be complete)
 * @param exitCode   0 for success, else the exit code the {@code mooring} command would have ended with
 * @param file       the backup's name in its location; {@code null} when the backup itself failed
 * @param location   where the backup was written
 * @param copies     the places it was copied to
 * @param verified   whether it was proven by a restore; {@code false} when the schedule does not verify
 * @param pruned     how many old backups retention deleted, over every place
 * @param error      what failed and how to fix it, for a person; {@code null} on success. Never holds secrets.
 */
public record BackupRun(Instant startedAt, Instant finishedAt, boolean succeeded, int exitCode, String file,
                        String location, List<String> copies, boolean verified, int pruned, String error) {
    public BackupRun {
        copies = List.copyOf(copies);
    }
}
