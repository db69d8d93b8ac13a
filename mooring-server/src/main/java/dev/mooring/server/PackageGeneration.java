package dev.mooring.server;

import dev.mooring.sync.PackageManifest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One package generation as {@link Packages#cut} recorded it in {@code mooring.package_generations}. Immutable.
 *
 * @param generation  the generation's row id
 * @param manifest    the package's manifest (id, type, version, tables, row counts, watermark, …)
 * @param file        where the package file is
 * @param size        the file's size in bytes
 * @param sha256      the SHA-256 of the whole file, lower-case hex
 * @param requestedBy who asked for it
 * @param durationMs  how long the request took
 * @param reused      whether an unchanged earlier package was served instead of cutting a new one
 */
public record PackageGeneration(long generation, PackageManifest manifest, Path file, long size, String sha256,
                                String requestedBy, long durationMs, boolean reused) {
    public PackageGeneration {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
    }
}
