package dev.mooring.backup.internal.store;

import dev.mooring.backup.BackupLocation;

import java.util.Map;
import java.util.Objects;

/** Opens the store a {@link BackupLocation} names. Stateless. */
public final class Stores {
    private Stores() {
    }

    /**
     * The store at {@code location}: a {@link FolderStore}, or an {@link S3Store} with credentials from
     * {@code environment} or the AWS default chain (see {@link S3Store#open(S3Location, Map)}).
     */
    public static BackupStore open(BackupLocation location, Map<String, String> environment) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(environment, "environment");
        if (location instanceof BackupLocation.S3 s3) {
            return S3Store.open(S3Location.of(s3), environment);
        }
        return FolderStore.open(((BackupLocation.Folder) location).dir());
    }
}
