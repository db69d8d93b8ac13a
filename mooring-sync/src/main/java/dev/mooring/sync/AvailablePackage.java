package dev.mooring.sync;

import java.util.List;
import java.util.Objects;

/**
 * A data package a user may download, as {@code GET /v1/packages} lists it. Immutable.
 *
 * @param id        the package id: {@code GET /v1/packages/{id}} downloads it
 * @param type      its name; packages of one type replace each other
 * @param version   increases with every package of this type
 * @param createdAt when it was cut, ISO-8601
 * @param size      the file's size in bytes
 * @param sha256    the SHA-256 of the whole file, lower-case hex; also its HTTP entity tag
 * @param tables    the tables it holds
 * @param user      the user whose rows it holds (the caller); {@code null} for a shared package
 */
public record AvailablePackage(String id, String type, long version, String createdAt, long size, String sha256,
                               List<String> tables, String user) {
    public AvailablePackage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sha256, "sha256");
        tables = WireForm.list(tables, "tables");
    }

    /** The answer of {@code GET /v1/packages}, newest first. */
    public record Listing(List<AvailablePackage> packages) {
        public Listing {
            packages = WireForm.list(packages, "packages");
        }
    }
}
