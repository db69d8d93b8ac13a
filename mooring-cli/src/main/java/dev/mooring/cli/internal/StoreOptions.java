package dev.mooring.cli.internal;

import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.S3Options;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import picocli.CommandLine.Option;

import java.net.URI;
import java.util.List;

/**
 * How the backup commands reach S3-compatible stores ({@code --s3-endpoint}, {@code --s3-path-style},
 * {@code --s3-region}), and how they read a place that is a folder or an {@code s3://} URL. Credentials are never
 * options: the AWS SDK's chain finds them ({@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_PROFILE}, an instance role).
 */
public final class StoreOptions {
    /** What the help says about where credentials come from. */
    static final String CREDENTIALS = "Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile"
            + " (AWS_PROFILE, ~/.aws/credentials) or an instance role; they are never printed.";

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "The base URL of an S3-compatible store (MinIO,"
            + " Ceph, Garage, Cloudflare R2...) for s3:// places, such as http://localhost:9000. Default: AWS S3.")
    URI endpoint;

    @Option(names = "--s3-path-style", description = "Address buckets as URL/bucket rather than bucket.URL, which most"
            + " self-hosted stores need.")
    boolean pathStyle;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "The region requests are signed for. Default:"
            + " AWS_REGION or the profile's for AWS S3, us-east-1 with --s3-endpoint.")
    String region;

    /** One backup in a place: {@code where} it is, and its {@code name} there. */
    record Named(BackupLocation location, String name) {
        /** The backup's path or {@code s3://} URL, for people. */
        String where() {
            return StoreOptions.where(location, name);
        }
    }

    S3Options options() {
        S3Options options = S3Options.DEFAULT.withPathStyle(pathStyle);
        if (endpoint != null) {
            options = options.withEndpoint(endpoint);
        }
        return region == null ? options : options.withRegion(region);
    }

    /**
     * The place {@code folderOrUrl} names: an {@code s3://} URL, reached with these options, or a folder.
     *
     * @throws MooringException {@code USAGE} when S3 options are given and none of {@code all} is an S3 URL
     */
    BackupLocation location(String folderOrUrl, List<String> all) {
        if (!options().equals(S3Options.DEFAULT) && all.stream().noneMatch(StoreOptions::isUrl)) {
            throw new MooringException(ErrorCode.USAGE, "--s3-endpoint, --s3-path-style and --s3-region apply to s3://"
                    + " places; " + String.join(", ", all) + (all.size() == 1 ? " is a folder" : " are folders"));
        }
        return isUrl(folderOrUrl) ? BackupLocation.parse(folderOrUrl, options()) : BackupLocation.parse(folderOrUrl);
    }

    /** The backup an {@code s3://bucket/prefix/name} URL names. */
    Named backup(String url) {
        int slash = url.lastIndexOf('/');
        int bucketStart = url.indexOf("://") + 3;
        if (slash < bucketStart || slash == url.length() - 1) {
            throw new MooringException(ErrorCode.USAGE, "'" + url + "' names no backup: write s3://bucket/prefix/<backup>,"
                    + " or give the place with --dir and leave the backup out for the newest");
        }
        return new Named(location(url.substring(0, slash), List.of(url)), url.substring(slash + 1));
    }

    /** Whether {@code value} is a URL ({@code s3://…}) rather than a path. */
    static boolean isUrl(String value) {
        return value.contains("://");
    }

    /** Where the backup {@code name} in {@code location} is, for people: its path or its {@code s3://} URL. */
    static String where(BackupLocation location, String name) {
        if (location instanceof BackupLocation.S3 s3) {
            return s3.url() + "/" + name;
        }
        return ((BackupLocation.Folder) location).dir().resolve(name).toString();
    }
}
