package dev.mooring.backup.internal.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One complete object in a {@link BackupStore}.
 *
 * @param name         its name, relative to the store's folder or prefix
 * @param size         its size in bytes
 * @param lastModified when it was last written, as the store reports it
 */
public record StoredObject(String name, long size, Instant lastModified) {
    public StoredObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastModified, "lastModified");
    }
}
