package dev.mooring.backup.internal.store;

import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.S3Options;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@link S3Store} keeps its objects: a bucket, a prefix inside it, and how to reach the store, as a
 * {@link BackupLocation.S3} says, which checks them. Object {@code name} is kept under the key {@code prefix/name}, or
 * {@code name} with an empty prefix.
 */
public record S3Location(String bucket, String prefix, Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
    public S3Location {
        new BackupLocation.S3(bucket, prefix, new S3Options(endpoint, pathStyle, region)); // the same checks
    }

    /** The location {@code s3://bucket/prefix} reached with {@code options}. */
    public static S3Location of(String bucket, String prefix, S3Options options) {
        Objects.requireNonNull(options, "options");
        return new S3Location(bucket, prefix, options.endpoint(), options.pathStyle(), options.region());
    }

    /** Where {@code location} is. */
    public static S3Location of(BackupLocation.S3 location) {
        return of(location.bucket(), location.prefix(), location.options());
    }

    /** The key of the object {@code name}. */
    String key(String name) {
        return keyPrefix() + name;
    }

    /** What every key of this location starts with: the prefix and a slash, or nothing. */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** {@code s3://bucket/prefix/name}: where the object {@code name} is, without the endpoint. */
    String url(String name) {
        return "s3://" + bucket + "/" + key(name);
    }

    /** {@code s3://bucket/prefix}, with {@code at <endpoint>} for a store other than AWS S3. */
    String describe() {
        return new BackupLocation.S3(bucket, prefix, new S3Options(endpoint, pathStyle, region)).describe();
    }

    /** The store's address, for messages. */
    String endpointDescription() {
        return endpoint.map(URI::toString).orElse("AWS S3");
    }
}
