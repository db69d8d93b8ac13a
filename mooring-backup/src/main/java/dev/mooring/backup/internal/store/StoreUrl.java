package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where backups go, as a user writes it: a folder path, or {@code s3://bucket/some/prefix}. Other URL schemes are
 * refused rather than taken for folder names. Stateless.
 */
public sealed interface StoreUrl {

    /** A folder on this machine (or a mounted one). */
    record Folder(Path dir) implements StoreUrl {
        public Folder {
            Objects.requireNonNull(dir, "dir");
        }
    }

    /** A bucket and a prefix in an S3-compatible store; the prefix has no leading or trailing slash. */
    record S3(String bucket, String prefix) implements StoreUrl {
        public S3 {
            S3Location.of(bucket, prefix, S3Options.DEFAULT); // the same checks as every location made from it
        }

        /** This bucket and prefix reached with {@code options}. */
        public S3Location at(S3Options options) {
            return S3Location.of(bucket, prefix, options);
        }
    }

    /**
     * Parses {@code urlOrPath}.
     *
     * @throws MooringException {@code CONFIGURATION} for an unknown scheme, credentials in the URL, or an invalid
     *                          bucket or prefix
     */
    static StoreUrl parse(String urlOrPath) {
        Objects.requireNonNull(urlOrPath, "urlOrPath");
        int schemeEnd = urlOrPath.indexOf("://");
        if (schemeEnd < 0) {
            if (urlOrPath.isBlank()) {
                throw new MooringException(ErrorCode.CONFIGURATION, "the backup destination is empty: name a folder or an s3://bucket/prefix URL");
            }
            try {
                return new Folder(Path.of(urlOrPath));
            } catch (InvalidPathException e) {
                throw new MooringException(ErrorCode.CONFIGURATION, "'" + urlOrPath + "' is not a folder path: " + e.getReason(), e);
            }
        }
        String scheme = urlOrPath.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("s3")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "backup destinations are folders or s3://bucket/prefix URLs;"
                    + " '" + scheme + "://' is not supported (for an S3-compatible store, use s3:// with --s3-endpoint)");
        }
        String rest = urlOrPath.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.contains("@") || bucket.contains(":")) {
            // never echo what may be a key pair
            throw new MooringException(ErrorCode.CONFIGURATION, "an s3:// URL names a bucket only, without credentials or"
                    + " port: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), and --s3-endpoint for the host");
        }
        if (prefix.contains("?") || prefix.contains("#")) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the s3:// URL '" + urlOrPath + "' has a query or fragment:"
                    + " write it as s3://bucket/some/prefix");
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return new S3(bucket, prefix);
    }

    /**
     * Opens the store {@code urlOrPath} names: a {@link FolderStore}, or an {@link S3Store} reached with
     * {@code options} and the default credentials chain.
     *
     * @throws MooringException {@code USAGE} when S3 options are given for a folder; what {@link #parse(String)} and
     *                          {@link S3Store#open(S3Location)} throw
     */
    static BackupStore open(String urlOrPath, S3Options options) {
        Objects.requireNonNull(options, "options");
        StoreUrl url = parse(urlOrPath);
        if (url instanceof S3 s3) {
            return S3Store.open(s3.at(options));
        }
        if (!options.equals(S3Options.DEFAULT)) {
            throw new MooringException(ErrorCode.USAGE, "--s3-endpoint, --s3-path-style and --s3-region apply to s3:// destinations;"
                    + " '" + urlOrPath + "' is a folder");
        }
        return FolderStore.open(((Folder) url).dir());
    }
}
