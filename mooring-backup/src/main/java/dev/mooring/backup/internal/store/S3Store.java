package dev.mooring.backup.internal.store;

import dev.mooring.core.MooringException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link BackupStore} under a prefix of an S3 bucket, in AWS S3 or any S3-compatible store (MinIO, Ceph,
 * Garage, Backblaze B2, Cloudflare R2...). Objects are written through {@link S3Upload}: one PutObject, or a
 * multipart upload that only a successful close completes.
 *
 * <p>Compatibility choices: the SDK's flexible checksums are sent and checked only where an operation requires
 * them (many S3-compatible stores reject the newer CRC headers); uploads carry a Content-MD5 instead. Without an
 * endpoint or region the client follows the bucket to its region. The HTTP client is the JDK's
 * ({@code url-connection-client}), so neither Netty nor Apache HttpClient is on the classpath.
 *
 * <p>Credentials come from the SDK's default chain (environment, profile, container or instance role); they are
 * never logged or put in a message. Thread-safe; each {@link StoreOutput} is for one thread.
 */
public final class S3Store implements BackupStore {
    private static final Region DEFAULT_REGION = Region.US_EAST_1;
    private static final String ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
    private static final String SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
    private static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

    private final S3Location location;
    private final S3Client client;
    private final AwsCredentialsProvider credentials;
    private final boolean ownsCredentials;
    private final S3Failures failures;

    private S3Store(S3Location location, S3Client client, AwsCredentialsProvider credentials, boolean ownsCredentials) {
        this.location = location;
        this.client = client;
        this.credentials = credentials;
        this.ownsCredentials = ownsCredentials;
        this.failures = new S3Failures(location);
    }

    /**
     * Connects to {@code location} and checks that the bucket exists and the credentials may use it. The credentials
     * are {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (with {@code AWS_SESSION_TOKEN}, if set) from
     * {@code environment} — the process environment, unless a caller gives another — and without them the rest of
     * the AWS SDK's default chain: system properties, {@code AWS_PROFILE} and {@code ~/.aws/credentials}, web
     * identity, a container or instance role.
     *
     * @throws MooringException {@code CONFIGURATION} when no credentials are found or the bucket does not exist;
     *                          {@code CONNECTION} when the store cannot be reached or refuses the credentials
     */
    public static S3Store open(S3Location location, Map<String, String> environment) {
        String keyId = environment.get(ACCESS_KEY_ID);
        String secret = environment.get(SECRET_ACCESS_KEY);
        if (keyId != null && !keyId.isBlank() && secret != null && !secret.isBlank()) {
            String token = environment.get(SESSION_TOKEN);
            return open(location, StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(keyId, secret) : AwsSessionCredentials.create(keyId, secret, token)));
        }
        DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
        try {
            return open(location, chain, true);
        } catch (RuntimeException e) {
            chain.close();
            throw e;
        }
    }

    /** As {@link #open(S3Location, Map)} with given credentials, which the store does not close. */
    static S3Store open(S3Location location, AwsCredentialsProvider credentials) {
        return open(location, credentials, false);
    }

    private static S3Store open(S3Location location, AwsCredentialsProvider credentials, boolean ownsCredentials) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(credentials, "credentials");
        S3Failures failures = new S3Failures(location);
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw failures.noCredentials(e);
        }
        S3Client client = client(location, credentials);
        try {
            checkBucket(client, location, failures);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        return new S3Store(location, client, credentials, ownsCredentials);
    }

    private static S3Client client(S3Location location, AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)))
                .credentialsProvider(credentials)
                .region(region(location))
                .forcePathStyle(location.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // with no region named for AWS S3, follow the bucket to wherever it is
                .crossRegionAccessEnabled(location.endpoint().isEmpty() && location.region().isEmpty());
        location.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static Region region(S3Location location) {
        if (location.region().isPresent()) {
            return Region.of(location.region().get());
        }
        if (location.endpoint().isPresent()) {
            // S3-compatible stores accept (and mostly ignore) any region in the signature
            return DEFAULT_REGION;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return DEFAULT_REGION;
        }
    }

    /** A HEAD request has no error body: its status alone tells a missing bucket from refused credentials. */
    private static void checkBucket(S3Client client, S3Location location, S3Failures failures) {
        try {
            client.headBucket(r -> r.bucket(location.bucket()));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw failures.bucketMissing(e);
            }
            throw failures.translate(e, "open the bucket");
        } catch (SdkException e) {
            throw failures.translate(e, "open the bucket");
        }
    }

    @Override
    public String describe() {
        return location.describe();
    }

    @Override
    public String describe(String name) {
        return location.url(name);
    }

    /** Where this store is. */
    public S3Location location() {
        return location;
    }

    @Override
    public StoreOutput create(String name) {
        return new S3Upload(client, location, failures, StoreNames.check(name), true);
    }

    @Override
    public StoreOutput createNew(String name) {
        if (exists(name)) {
            throw new ObjectExistsException(name, describe(name), null);
        }
        return createNewWithoutCheck(name);
    }

    /** As {@link #createNew} without the check at the start: only the conditional write decides (tests). */
    StoreOutput createNewWithoutCheck(String name) {
        return new S3Upload(client, location, failures, StoreNames.check(name), false);
    }

    @Override
    public InputStream open(String name) {
        String key = location.key(StoreNames.check(name));
        try {
            return client.getObject(r -> r.bucket(location.bucket()).key(key));
        } catch (NoSuchKeyException e) {
            throw StoreNames.missing(name, this, e);
        } catch (SdkException e) {
            throw failures.translate(e, "read backup object " + name);
        }
    }

    @Override
    public List<StoredObject> list() {
        String keyPrefix = location.keyPrefix();
        List<StoredObject> objects = new ArrayList<>();
        try {
            // the delimiter keeps keys under longer prefixes (other stores' folders) out of the listing
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(location.bucket()).prefix(keyPrefix)
                    .delimiter("/")).contents()) {
                String name = object.key().substring(keyPrefix.length());
                if (StoreNames.isValid(name)) {
                    objects.add(new StoredObject(name, object.size(), object.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw failures.translate(e, "list backup objects");
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    /** A HEAD answer has no body, so a bucket deleted since the store was opened also reads as "no such object". */
    @Override
    public boolean exists(String name) {
        String key = location.key(StoreNames.check(name));
        try {
            client.headObject(r -> r.bucket(location.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failures.translate(e, "look for backup object " + name);
        } catch (SdkException e) {
            throw failures.translate(e, "look for backup object " + name);
        }
    }

    @Override
    public void delete(String name) {
        String key = location.key(StoreNames.check(name));
        try {
            client.deleteObject(r -> r.bucket(location.bucket()).key(key));
        } catch (SdkException e) {
            throw failures.translate(e, "delete backup object " + name);
        }
    }

    @Override
    public int cleanUpIncomplete(Duration olderThan) {
        Instant cutoff = Instant.now().minus(Objects.requireNonNull(olderThan, "olderThan"));
        String keyPrefix = location.keyPrefix();
        int aborted = 0;
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(r -> r.bucket(location.bucket())
                    .prefix(keyPrefix)).uploads()) {
                String name = upload.key().substring(keyPrefix.length());
                if (name.indexOf('/') < 0 && !upload.initiated().isAfter(cutoff)) {
                    client.abortMultipartUpload(r -> r.bucket(location.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                    aborted++;
                }
            }
        } catch (SdkException e) {
            throw failures.translate(e, "clean up incomplete uploads");
        }
        return aborted;
    }

    @Override
    public void close() {
        client.close();
        if (ownsCredentials && credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing is left to release that matters
            }
        }
    }
}
