package dev.mooring.backup.internal.file;

import dev.mooring.backup.Compression;

/**
 * How a backup file is stored, as {@link BackupFileReader#detect} finds it from the first bytes.
 *
 * @param encrypted   whether the file is in Mooring's encrypted format
 * @param compression the compression of the content (for encrypted files, as the authenticated header says)
 */
public record FileFormat(boolean encrypted, Compression compression) {
}
