package dev.mooring.backup.internal.store;

import dev.mooring.backup.S3Options;
import dev.mooring.testing.S3ProxyExtension;

import java.util.Optional;

/** The shared S3Proxy extension, with the ways this package's tests reach it: options and stores. */
final class S3ProxyServer extends S3ProxyExtension {

    /** How Mooring reaches this server: its endpoint, path-style buckets. */
    S3Options options() {
        return new S3Options(Optional.of(endpoint()), true, Optional.empty());
    }

    /** A store under {@code prefix} of {@code bucket}, with the accepted credentials. */
    S3Store open(String bucket, String prefix) {
        return S3Store.open(S3Location.of(bucket, prefix, options()), credentials());
    }
}
