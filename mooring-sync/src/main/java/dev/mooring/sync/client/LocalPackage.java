package dev.mooring.sync.client;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A data package this client imported, as {@code local_packages} records it. Immutable.
 *
 * @param id         the package id
 * @param type       its name
 * @param version    its version
 * @param importedAt when it was imported
 * @param size       the package file's size in bytes
 * @param source     how it reached this client
 * @param file       the verified copy kept for sharing ({@link SyncClient#exportPackage}); {@code null} once a newer
 *                   package of its type replaced it
 */
public record LocalPackage(String id, String type, long version, Instant importedAt, long size, PackageSource source,
                           Path file) {
}
