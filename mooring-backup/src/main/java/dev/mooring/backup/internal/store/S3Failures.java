package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * Turns the AWS SDK's exceptions into {@link MooringException}s that name the problem and the fix. For answers of
 * the store, messages are built from the location, the object name, the S3 error code and the HTTP status only:
 * never from the store's message text, which may echo an access key. Immutable and thread-safe.
 */
final class S3Failures {
    private static final Set<String> REFUSED_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "AccessDenied", "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "InvalidSecurity");
    private static final Set<String> WRONG_REGION = Set.of("PermanentRedirect", "AuthorizationHeaderMalformed",
            "IllegalLocationConstraintException");

    private final S3Location location;

    S3Failures(S3Location location) {
        this.location = location;
    }

    /** The error for {@code e}, raised while doing {@code action} (such as "write backup object x"). */
    MooringException translate(SdkException e, String action) {
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            int status = s3.statusCode();
            if ("NoSuchBucket".equals(code)) {
                return bucketMissing(e);
            }
            if (status == 403 || REFUSED_CREDENTIALS.contains(code)) {
                return credentialsRefused(code, status, e);
            }
            if (status == 301 || WRONG_REGION.contains(code)) {
                return new MooringException(ErrorCode.CONFIGURATION, "bucket " + location.bucket() + " is in another"
                        + " region than " + regionDescription() + " (" + answer(code, status) + "): set --s3-region to"
                        + " the bucket's region", e);
            }
            return new MooringException(ErrorCode.IO, "could not " + action + " in " + location.describe() + ": the S3"
                    + " store answered " + answer(code, status), e);
        }
        IOException network = networkCause(e);
        if (network != null) {
            return unreachable(network, e);
        }
        // the SDK's own client-side messages (a bad request, a signing problem) hold no secrets
        return new MooringException(ErrorCode.IO, "could not " + action + " in " + location.describe() + ": "
                + e.getMessage(), e);
    }

    MooringException bucketMissing(Throwable cause) {
        return new MooringException(ErrorCode.CONFIGURATION, "bucket " + location.bucket() + " does not exist at "
                + location.endpointDescription() + ": create it or fix the URL", cause);
    }

    MooringException credentialsRefused(String code, int status, Throwable cause) {
        return new MooringException(ErrorCode.CONNECTION, "the S3 store at " + location.endpointDescription()
                + " refused the credentials for bucket " + location.bucket() + " (" + answer(code, status) + "): set"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE), to credentials allowed to use"
                + " the bucket", cause);
    }

    MooringException noCredentials(Throwable cause) {
        return new MooringException(ErrorCode.CONFIGURATION, "no credentials found for " + location.describe() + ": set"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE, ~/.aws/credentials), or run"
                + " where an instance role applies", cause);
    }

    private MooringException unreachable(IOException network, Throwable cause) {
        String why = network instanceof UnknownHostException ? "unknown host " + network.getMessage()
                : network.getClass().getSimpleName() + (network.getMessage() == null ? "" : " (" + network.getMessage() + ")");
        String fix = location.endpoint().isPresent() ? "check --s3-endpoint and that the store is running"
                : "check the network, or set --s3-endpoint for a store other than AWS S3";
        if (network instanceof UnknownHostException && !location.pathStyle() && location.endpoint().isPresent()
                && String.valueOf(network.getMessage()).startsWith(location.bucket() + ".")) {
            // the bucket's own host name, which most self-hosted stores do not have
            fix = "add --s3-path-style to reach the bucket as " + location.endpoint().get() + "/" + location.bucket()
                    + ", or " + fix;
        }
        return new MooringException(ErrorCode.CONNECTION, "cannot reach the S3 store at " + location.endpointDescription()
                + ": " + why + ": " + fix, cause);
    }

    private String regionDescription() {
        return location.region().orElse("the one configured");
    }

    private static String answer(String code, int status) {
        return code == null || code.isEmpty() ? "HTTP " + status : code + ", HTTP " + status;
    }

    private static IOException networkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }
}
