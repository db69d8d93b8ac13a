package dev.mooring.backup.internal.store;

import dev.mooring.backup.S3Options;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link S3Store} against a real S3 API (S3Proxy), under a prefix of a fresh bucket per test. */
class S3StoreTest extends BackupStoreContract {
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();

    String bucket;

    @Override
    BackupStore newStore() {
        bucket = S3.createBucket();
        return S3.open(bucket, "mooring/backups");
    }

    @Override
    void assertNothingPartialLeft() {
        assertThat(uploadsInProgress()).isEmpty();
    }

    @Test
    void smallObjectIsOnePutAndLargeOneIsAMultipartUpload() throws IOException {
        store.write("small", out -> out.write(new byte[1000]));
        store.write("large", out -> out.write(new byte[MULTIPART_SIZE]));

        // S3 marks the ETag of an object completed from parts with "-<part count>"
        assertThat(eTag("small")).doesNotContain("-");
        assertThat(eTag("large")).endsWith("-3\"");
    }

    @Test
    void objectsLiveUnderThePrefix() throws IOException {
        store.write("app.sql", out -> out.write(1));

        assertThat(S3.client().headObject(r -> r.bucket(bucket).key("mooring/backups/app.sql")).contentLength()).isEqualTo(1);
    }

    @Test
    void listIgnoresOtherPrefixes() throws IOException {
        store.write("app.sql", out -> out.write(1));
        for (String key : List.of("other/app.sql", "mooring/backups-old/app.sql", "mooring/backups/2025/app.sql",
                "mooring/app.sql", "top.sql")) {
            S3.client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("x"));
        }

        assertThat(store.list()).extracting(StoredObject::name).containsExactly("app.sql");
        try (S3Store whole = S3.open(bucket, "")) {
            assertThat(whole.list()).extracting(StoredObject::name).containsExactly("top.sql");
        }
    }

    @Test
    void cleanUpLeavesUploadsUnderOtherPrefixesAlone() {
        String otherUpload = S3.client().createMultipartUpload(r -> r.bucket(bucket).key("elsewhere/app.sql")).uploadId();
        S3.client().createMultipartUpload(r -> r.bucket(bucket).key("mooring/backups/app.sql"));

        assertThat(store.cleanUpIncomplete(java.time.Duration.ZERO)).isEqualTo(1);

        assertThat(S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads())
                .extracting(MultipartUpload::uploadId).containsExactly(otherUpload);
    }

    @Test
    void wrongSecretIsRefusedWithoutShowingIt() {
        String wrongSecret = "wrong-secret-7Hq2ZpLx9";

        assertThatThrownBy(() -> S3Store.open(location(bucket), credentials(S3ProxyServer.ACCESS_KEY, wrongSecret)))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                .hasMessageContaining("refused the credentials for bucket " + bucket)
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageContaining(S3.endpoint().toString())
                .hasMessageNotContaining(wrongSecret)
                .hasMessageNotContaining(S3ProxyServer.SECRET_KEY);
    }

    @Test
    void unknownAccessKeyIsRefused() {
        assertThatThrownBy(() -> S3Store.open(location(bucket), credentials("AKIANOTKNOWN", "whatever-secret-123")))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                .hasMessageContaining("refused the credentials")
                .hasMessageNotContaining("whatever-secret-123");
    }

    @Test
    void refusedCredentialsLaterInTheStoresLifeAreNamedToo() {
        // a store opened while the credentials were good, used after they were revoked
        try (S3Store store = S3Store.open(location(bucket), new RevocableCredentials())) {
            RevocableCredentials.revoked = true;
            assertThatThrownBy(store::list)
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                    .hasMessageContaining("refused the credentials")
                    .hasMessageNotContaining(RevocableCredentials.WRONG);
        } finally {
            RevocableCredentials.revoked = false;
        }
    }

    @Test
    void missingBucketIsNamedWithTheFix() {
        assertThatThrownBy(() -> S3Store.open(location("no-such-bucket"), S3.credentials()))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessage("bucket no-such-bucket does not exist at " + S3.endpoint() + ": create it or fix the URL");
    }

    @Test
    void unreachableEndpointIsNamed() throws IOException {
        URI nowhere;
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
        S3Location location = S3Location.of(bucket, "", new S3Options(Optional.of(nowhere), true, Optional.empty()));

        assertThatThrownBy(() -> S3Store.open(location, S3.credentials()))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                .hasMessageContaining("cannot reach the S3 store at " + nowhere)
                .hasMessageContaining("--s3-endpoint");
    }

    @Test
    void aBucketHostNameThatDoesNotResolveSuggestsPathStyle() {
        // .invalid never resolves: as a self-hosted store's bucket.host names mostly do not
        S3Location location = S3Location.of(bucket, "", new S3Options(Optional.of(URI.create("http://s3.invalid:9000")),
                false, Optional.empty()));

        assertThatThrownBy(() -> S3Store.open(location, S3.credentials()))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                .hasMessageContaining("unknown host " + bucket + ".s3.invalid")
                .hasMessageContaining("add --s3-path-style to reach the bucket as http://s3.invalid:9000/" + bucket);
    }

    @Test
    void missingCredentialsSayWhereToPutThem() {
        AwsCredentialsProvider none = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };

        assertThatThrownBy(() -> S3Store.open(location(bucket), none))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("no credentials found")
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
    }

    @Test
    void describeShowsTheUrlAndEndpointOnly() {
        assertThat(store.describe()).isEqualTo("s3://" + bucket + "/mooring/backups at " + S3.endpoint());
    }

    @Test
    void partsGrowSoThatTenThousandHoldAboutHalfATebibyte() {
        assertThat(S3Upload.partSize(1)).isEqualTo(8 << 20);
        assertThat(S3Upload.partSize(1000)).isEqualTo(8 << 20);
        assertThat(S3Upload.partSize(1001)).isEqualTo(16 << 20);
        assertThat(S3Upload.partSize(3001)).isEqualTo(64 << 20);
        assertThat(S3Upload.partSize(S3Upload.MAX_PARTS)).isEqualTo(64 << 20);
        long capacity = 0;
        for (int part = 1; part <= S3Upload.MAX_PARTS; part++) {
            capacity += S3Upload.partSize(part);
        }
        assertThat(capacity).isGreaterThan(490L << 30);
    }

    private List<MultipartUpload> uploadsInProgress() {
        return S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads();
    }

    private String eTag(String name) {
        return S3.client().headObject(r -> r.bucket(bucket).key("mooring/backups/" + name)).eTag();
    }

    private static S3Location location(String bucket) {
        return S3Location.of(bucket, "mooring/backups", S3.options());
    }

    private static AwsCredentialsProvider credentials(String accessKey, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret));
    }

    /** Good credentials until {@link #revoked}. */
    private static final class RevocableCredentials implements AwsCredentialsProvider {
        static final String WRONG = "revoked-secret-Pp0Lk3";
        static volatile boolean revoked;

        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, revoked ? WRONG : S3ProxyServer.SECRET_KEY);
        }
    }

    @Test
    void aConditionalWriteThatFindsItsOwnObjectSucceeds() throws IOException {
        // what the SDK's retry of a PUT whose first attempt was stored looks like: 412, and the object is this one
        writeTwiceWithTheSameContent(1000);
    }

    @Test
    void aConditionalMultipartWriteThatFindsItsOwnObjectSucceeds() throws IOException {
        writeTwiceWithTheSameContent(10 * 1024 * 1024);
    }

    private void writeTwiceWithTheSameContent(int size) throws IOException {
        byte[] content = new byte[size];
        new java.util.Random(size).nextBytes(content);
        store.write("app.sql", out -> out.write(content));
        StoreOutput again = ((S3Store) store).createNewWithoutCheck("app.sql");
        again.write(content);
        again.close();
        assertThat(read("app.sql")).isEqualTo(content);

        content[size / 2] ^= 1;
        StoreOutput other = ((S3Store) store).createNewWithoutCheck("app.sql");
        other.write(content);
        assertThatThrownBy(other::close).isInstanceOf(ObjectExistsException.class);
        assertNothingPartialLeft();
    }
}
