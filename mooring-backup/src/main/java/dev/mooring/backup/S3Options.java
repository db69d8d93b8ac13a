package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach an S3-compatible store, beyond what an {@code s3://bucket/prefix} URL says; the CLI's
 * {@code --s3-endpoint}, {@code --s3-path-style} and {@code --s3-region}. Credentials are not here: they come from
 * the environment, a profile or an instance role (the AWS SDK's default chain), never from options or URLs.
 *
 * @param endpoint  the store's base URL ({@code http(s)://host[:port]}), for stores other than AWS S3
 * @param pathStyle address buckets as {@code endpoint/bucket} rather than {@code bucket.endpoint}, which most
 *                  self-hosted stores (MinIO, Ceph, Garage) need
 * @param region    the signing region; without it, {@code us-east-1} for an endpoint, and for AWS S3 the SDK's
 *                  region chain ({@code AWS_REGION}, the profile)
 */
public record S3Options(Optional<URI> endpoint, boolean pathStyle, Optional<String> region) {
    /** AWS S3, virtual-hosted buckets, the region from the environment. */
    public static final S3Options DEFAULT = new S3Options(Optional.empty(), false, Optional.empty());

    public S3Options {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(region, "region");
        endpoint.ifPresent(S3Options::checkEndpoint);
        if (region.isPresent() && !region.get().matches("[a-z0-9-]{1,64}")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "--s3-region '" + region.get() + "' is not a region"
                    + " name: use lower-case letters, digits and dashes, such as us-east-1 or eu-central-1");
        }
    }

    public S3Options withEndpoint(URI newEndpoint) {
        return new S3Options(Optional.of(newEndpoint), pathStyle, region);
    }

    public S3Options withPathStyle(boolean newPathStyle) {
        return new S3Options(endpoint, newPathStyle, region);
    }

    public S3Options withRegion(String newRegion) {
        return new S3Options(endpoint, pathStyle, Optional.of(newRegion));
    }

    private static void checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getHost() == null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "--s3-endpoint '" + endpoint + "' is not an http(s)"
                    + " URL with a host: use a base URL such as https://s3.example.com or http://localhost:9000");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "--s3-endpoint must not hold credentials: set"
                    + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) instead");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new MooringException(ErrorCode.CONFIGURATION, "--s3-endpoint '" + endpoint + "' has a query or"
                    + " fragment: use a base URL such as https://s3.example.com");
        }
    }
}
