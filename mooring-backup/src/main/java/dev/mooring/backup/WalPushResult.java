package dev.mooring.backup;

/**
 * What {@link WalArchive#push} did with one WAL file.
 *
 * @param name            the file's name, such as {@code 000000010000000000000003}
 * @param bytes           its size
 * @param sha256          the SHA-256 of its bytes, hex
 * @param storedBytes     the archived object's size after compression and encryption; -1 when it was archived before
 * @param alreadyArchived whether the archive held this exact file already (a retried push), so nothing was written
 * @param where           the archived object's path or {@code s3://} URL
 */
public record WalPushResult(String name, long bytes, String sha256, long storedBytes, boolean alreadyArchived,
                            String where) {
}
