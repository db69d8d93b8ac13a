package dev.mooring.testing;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real S3 API server for a test class: S3Proxy in this JVM on a free port of 127.0.0.1, keeping objects in a
 * temporary folder (its filesystem backend), checking AWS signatures against one known key pair. Register it as a
 * static {@code @RegisterExtension} field; each test takes a fresh bucket from {@link #createBucket()}. A module
 * that uses it declares {@code org.gaul:s3proxy} in test scope (this module has it as optional).
 * <pre>{@code
 * @RegisterExtension static final S3ProxyExtension S3 = new S3ProxyExtension();
 * }</pre>
 */
public class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {
    /** The access key id the server accepts. */
    public static final String ACCESS_KEY = "mooring-test-access-key";
    /** The secret access key the server accepts. */
    public static final String SECRET_KEY = "mooring-test-secret-Zq8v2LwPx4";

    private final AtomicInteger buckets = new AtomicInteger();
    private Path dir;
    private BlobStore blobStore;
    private S3Proxy proxy;
    private URI endpoint;
    private S3Client client;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("mooring-s3proxy");
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        blobStore = BlobStores.create("filesystem", properties);
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .stopTimeout(0)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start in 30 s: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials())
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        if (blobStore != null) {
            blobStore.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // a temporary folder: the OS cleans up what is left
            }
        }
    }

    /** Creates an empty bucket with a name no other test uses. */
    public String createBucket() {
        String bucket = "bucket-" + buckets.incrementAndGet();
        client.createBucket(r -> r.bucket(bucket));
        return bucket;
    }

    /** The server's base URL, {@code http://127.0.0.1:<port>}; buckets are addressed path-style. */
    public URI endpoint() {
        return endpoint;
    }

    /** The key pair the server accepts. */
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /**
     * The environment variables that give the accepted key pair to the AWS SDK's default chain, as a user sets them
     * for {@code mooring}: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}.
     */
    public Map<String, String> environment() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    }

    /** A plain SDK client with the accepted credentials, to look at the bucket behind Mooring's back. */
    public S3Client client() {
        return client;
    }
}
