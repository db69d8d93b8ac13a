package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.BackupLocation;

/**
 * The places under a backup location where point-in-time recovery keeps its files: the WAL archive in
 * {@code <location>/wal} and base backups in {@code <location>/base} (a sub-folder, or a longer S3 prefix). Being
 * elsewhere than the dumps keeps them out of the dumps' listing and retention, which would not know them. Stateless.
 */
public final class SubLocation {
    /** The WAL archive's sub-folder or sub-prefix. */
    public static final String WAL = "wal";
    /** The base backups' sub-folder or sub-prefix. */
    public static final String BASE = "base";

    private SubLocation() {
    }

    /** {@code location}'s {@code child}: a sub-folder, or the prefix {@code prefix/child}. */
    public static BackupLocation of(BackupLocation location, String child) {
        if (location instanceof BackupLocation.S3 s3) {
            return new BackupLocation.S3(s3.bucket(), s3.prefix().isEmpty() ? child : s3.prefix() + "/" + child,
                    s3.options());
        }
        return BackupLocation.folder(((BackupLocation.Folder) location).dir().resolve(child));
    }
}
