package dev.mooring.backup;

import java.nio.file.Path;

/**
 * What {@link WalArchive#fetch} did with one WAL file.
 *
 * @param name        the file's name
 * @param found       whether the archive holds it; PostgreSQL asks for files that do not exist (the next timeline's
 *                    history file, the segment after the last one) to learn where recovery ends
 * @param bytes       the restored size, -1 when not found
 * @param destination where it was written
 */
public record WalFetchResult(String name, boolean found, long bytes, Path destination) {
}
