package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an {@link S3Store} keeps its objects: a bucket, a prefix inside it, and how to reach the store (see
 * {@link S3Options}). Object {@code name} is kept under the key {@code prefix/name}, or {@code name} with an empty
 * prefix.
 *
 * @param bucket the bucket, which must exist: 3 to 63 lower-case letters, digits, dots and dashes
 * @param prefix the key prefix without leading or trailing slash, possibly empty; its segments are not empty,
 *               {@code .} or {@code ..}
 */
public record S3Location(String bucket, String prefix, Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
    public S3Location {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "'" + bucket + "' is not an S3 bucket name: use 3 to 63"
                    + " lower-case letters, digits, dots and dashes, starting and ending with a letter or digit");
        }
        if (!prefix.isEmpty()) {
            for (String segment : prefix.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    throw new MooringException(ErrorCode.CONFIGURATION, "the S3 prefix '" + prefix + "' has an empty, '.'"
                            + " or '..' part: write it as s3://" + bucket + "/some/prefix");
                }
            }
        }
        new S3Options(endpoint, pathStyle, region); // the same checks as the options it was made from
    }

    /** The location {@code s3://bucket/prefix} reached with {@code options}. */
    public static S3Location of(String bucket, String prefix, S3Options options) {
        Objects.requireNonNull(options, "options");
        return new S3Location(bucket, prefix, options.endpoint(), options.pathStyle(), options.region());
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
        String url = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        return endpoint.map(e -> url + " at " + e).orElse(url);
    }

    /** The store's address, for messages. */
    String endpointDescription() {
        return endpoint.map(URI::toString).orElse("AWS S3");
    }
}
