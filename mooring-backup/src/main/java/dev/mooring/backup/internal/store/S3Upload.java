package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Writes one object of an {@link S3Store} with bounded memory. Bytes collect in one buffer the size of a part;
 * when the object outgrows it, a multipart upload starts and each full part is sent before the buffer is
 * reused. An object that fits in the first part is sent by a single PutObject on {@link #close()}. Parts are
 * 8 MiB, doubling every 1,000 parts up to 64 MiB, so that S3's 10,000 parts hold about 495 GiB while memory
 * stays at one part. Every request carries a Content-MD5, which every S3-compatible store checks.
 *
 * <p>A failure or {@link #abort()} aborts the multipart upload, so no part is left stored. Not thread-safe.
 */
final class S3Upload extends StoreOutput {
    static final int FIRST_PART_SIZE = 8 * 1024 * 1024;
    static final int LARGEST_PART_SIZE = 64 * 1024 * 1024;
    static final int PARTS_PER_SIZE = 1000;
    static final int MAX_PARTS = 10_000;
    private static final int INITIAL_BUFFER_SIZE = 64 * 1024;

    private final S3Client client;
    private final S3Location location;
    private final S3Failures failures;
    private final String name;
    private final String key;
    private final boolean replace;
    private final List<CompletedPart> parts = new ArrayList<>();
    /** The MD5 of each request's body, in order: what the object's ETag is made of. */
    private final List<byte[]> md5s = new ArrayList<>();
    private byte[] buffer = new byte[INITIAL_BUFFER_SIZE];
    private int count;
    private String uploadId;
    private OutputState state = OutputState.OPEN;

    /** Writes {@code name}; closing fails with {@link ObjectExistsException} if it exists then, unless {@code replace}. */
    S3Upload(S3Client client, S3Location location, S3Failures failures, String name, boolean replace) {
        this.replace = replace;
        this.client = client;
        this.location = location;
        this.failures = failures;
        this.name = name;
        this.key = location.key(name);
    }

    /** The size of part {@code partNumber} (from 1). */
    static int partSize(int partNumber) {
        int doublings = Math.min((partNumber - 1) / PARTS_PER_SIZE, 30);
        return (int) Math.min(LARGEST_PART_SIZE, (long) FIRST_PART_SIZE << doublings);
    }

    @Override
    public void write(int b) throws IOException {
        state.checkOpen(objectDescription());
        if (count == buffer.length) {
            makeRoom();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        state.checkOpen(objectDescription());
        while (length > 0) {
            if (count == buffer.length) {
                makeRoom();
            }
            int n = Math.min(length, buffer.length - count);
            System.arraycopy(b, offset, buffer, count, n);
            count += n;
            offset += n;
            length -= n;
        }
    }

    @Override
    public void close() {
        if (state.finishedByCaller()) {
            return;
        }
        state.checkNotFailed(objectDescription());
        try {
            if (uploadId == null) {
                client.putObject(r -> r.bucket(location.bucket()).key(key).contentLength((long) count).contentMD5(md5())
                        .ifNoneMatch(replace ? null : "*"), body());
            } else {
                if (count > 0) {
                    uploadPart();
                }
                client.completeMultipartUpload(r -> r.bucket(location.bucket()).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)).ifNoneMatch(replace ? null : "*"));
            }
        } catch (S3Exception e) {
            if (!replace && e.statusCode() == 412) {
                boolean ours = isOurs();
                abortUpload(); // an upload whose completion was refused is still open; a completed one is gone already
                if (ours) {
                    // the SDK retried a request whose first attempt had stored the object: this write succeeded
                    state = OutputState.CLOSED;
                    return;
                }
                state = OutputState.ABORTED;
                throw new ObjectExistsException(name, location.url(name), e);
            }
            throw fail(e, "write backup object " + name);
        } catch (SdkException e) {
            throw fail(e, "write backup object " + name);
        }
        state = OutputState.CLOSED;
        buffer = null;
    }

    @Override
    public void abort() {
        if (state != OutputState.OPEN) {
            return;
        }
        state = OutputState.ABORTED;
        abortUpload();
    }

    /** Called with a full buffer: grows it up to the part size, or sends it as a part and empties it. */
    private void makeRoom() {
        int partSize = partSize(parts.size() + 1);
        if (buffer.length < partSize) {
            buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
            return;
        }
        uploadPart();
    }

    private void uploadPart() {
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
            abortUpload();
            state = OutputState.FAILED;
            throw new MooringException(ErrorCode.IO, "backup object " + name + " is larger than an S3 multipart upload"
                    + " can hold (" + MAX_PARTS + " parts, about 495 GiB): nothing was stored in " + location.describe());
        }
        try {
            if (uploadId == null) {
                uploadId = client.createMultipartUpload(r -> r.bucket(location.bucket()).key(key)).uploadId();
            }
            String eTag = client.uploadPart(r -> r.bucket(location.bucket()).key(key).uploadId(uploadId)
                    .partNumber(partNumber).contentLength((long) count).contentMD5(md5()), body()).eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
            count = 0;
        } catch (SdkException e) {
            throw fail(e, "write backup object " + name);
        }
    }

    /** The buffered bytes as a request body, without a copy; retries read them again. */
    private RequestBody body() {
        byte[] bytes = buffer;
        int length = count;
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length,
                "application/octet-stream");
    }

    /** The Content-MD5 of the buffered bytes, which are about to be sent as one request. */
    private String md5() {
        MessageDigest md5 = newMd5();
        md5.update(buffer, 0, count);
        byte[] digest = md5.digest();
        md5s.add(digest);
        return Base64.getEncoder().encodeToString(digest);
    }

    /**
     * Whether the object now under the key is the one this upload wrote, by its ETag: the MD5 of a single PUT's
     * body, or for a multipart upload the MD5 of its parts' MD5s and {@code -<parts>}, as every S3 store computes
     * them for unencrypted objects. A different or unreadable ETag is someone else's object.
     */
    private boolean isOurs() {
        String expected;
        if (uploadId == null) {
            expected = HexFormat.of().formatHex(md5s.get(md5s.size() - 1));
        } else {
            MessageDigest ofParts = newMd5();
            md5s.forEach(ofParts::update);
            expected = HexFormat.of().formatHex(ofParts.digest()) + "-" + parts.size();
        }
        try {
            String eTag = client.headObject(r -> r.bucket(location.bucket()).key(key)).eTag();
            return eTag != null && eTag.replace("\"", "").equalsIgnoreCase(expected);
        } catch (SdkException e) {
            return false;
        }
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    private MooringException fail(SdkException e, String action) {
        abortUpload();
        state = OutputState.FAILED;
        return failures.translate(e, action);
    }

    private void abortUpload() {
        buffer = null;
        if (uploadId == null) {
            return;
        }
        try {
            client.abortMultipartUpload(r -> r.bucket(location.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the contract: cleanUpIncomplete removes an upload whose abort failed
        }
    }

    private String objectDescription() {
        return "backup object " + name + " in " + location.describe();
    }
}
