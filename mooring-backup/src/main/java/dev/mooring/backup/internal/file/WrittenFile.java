package dev.mooring.backup.internal.file;

import java.nio.file.Path;

/**
 * A backup file that {@link BackupFileWriter#finish()} made durable.
 *
 * @param path         where the file now is
 * @param bytes        its size on disk (after compression and encryption)
 * @param contentBytes the size of the content before compression
 * @param sha256       lower-case hex SHA-256 of the bytes on disk, as {@link FileDigest#sha256} would compute it
 */
public record WrittenFile(Path path, long bytes, long contentBytes, String sha256) {
}
