package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where backups are kept, as a user writes it: a folder path, or {@code s3://bucket/some/prefix} in AWS S3 or an
 * S3-compatible store. Other URL schemes are refused rather than taken for folder names. Credentials are never part
 * of a location: they come from the environment (see {@link S3Options}). Immutable.
 */
public sealed interface BackupLocation {

    /** A folder on this machine (or a mounted one), which need not exist yet. */
    record Folder(Path dir) implements BackupLocation {
        public Folder {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public String describe() {
            return dir.toString();
        }
    }

    /**
     * A bucket and a prefix in an S3-compatible store, and how to reach it. Object {@code name} is kept under the key
     * {@code prefix/name}, or {@code name} with an empty prefix.
     *
     * @param bucket  the bucket, which must exist: 3 to 63 lower-case letters, digits, dots and dashes
     * @param prefix  the key prefix without leading or trailing slash, possibly empty; its segments are not empty,
     *                {@code .} or {@code ..}
     * @param options the endpoint, addressing style and region
     */
    record S3(String bucket, String prefix, S3Options options) implements BackupLocation {
        public S3 {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(options, "options");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new MooringException(ErrorCode.CONFIGURATION, "'" + bucket + "' is not an S3 bucket name: use 3"
                        + " to 63 lower-case letters, digits, dots and dashes, starting and ending with a letter or digit");
            }
            if (!prefix.isEmpty()) {
                for (String segment : prefix.split("/", -1)) {
                    if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                        throw new MooringException(ErrorCode.CONFIGURATION, "the S3 prefix '" + prefix + "' has an"
                                + " empty, '.' or '..' part: write it as s3://" + bucket + "/some/prefix");
                    }
                }
            }
        }

        /** {@code s3://bucket/prefix}. */
        public String url() {
            return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
        }

        /** {@code s3://bucket/prefix}, with {@code at <endpoint>} for a store other than AWS S3. */
        @Override
        public String describe() {
            return options.endpoint().map(e -> url() + " at " + e).orElse(url());
        }
    }

    /** Where the location is, for messages: the folder, or the URL and the endpoint. Never credentials. */
    String describe();

    /** The folder {@code dir}. */
    static BackupLocation folder(Path dir) {
        return new Folder(dir);
    }

    /**
     * Parses {@code urlOrPath}: an {@code s3://} URL is reached with {@code options}, anything without a scheme is a
     * folder.
     *
     * @throws MooringException {@code CONFIGURATION} for an unknown scheme, credentials in the URL, or an invalid
     *                          bucket or prefix; {@code USAGE} when S3 options are given for a folder
     */
    static BackupLocation parse(String urlOrPath, S3Options options) {
        Objects.requireNonNull(urlOrPath, "urlOrPath");
        Objects.requireNonNull(options, "options");
        int schemeEnd = urlOrPath.indexOf("://");
        if (schemeEnd < 0) {
            if (urlOrPath.isBlank()) {
                throw new MooringException(ErrorCode.CONFIGURATION, "the backup destination is empty: name a folder or an s3://bucket/prefix URL");
            }
            if (!options.equals(S3Options.DEFAULT)) {
                throw new MooringException(ErrorCode.USAGE, "--s3-endpoint, --s3-path-style and --s3-region apply to s3://"
                        + " destinations; '" + urlOrPath + "' is a folder");
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
        return new S3(bucket, prefix, options);
    }

    /** As {@link #parse(String, S3Options)} with {@link S3Options#DEFAULT}: AWS S3, region from the environment. */
    static BackupLocation parse(String urlOrPath) {
        return parse(urlOrPath, S3Options.DEFAULT);
    }
}
