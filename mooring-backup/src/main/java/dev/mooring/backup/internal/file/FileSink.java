package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes that reach the backup file or object: passed to its {@link WriteTarget}, counted and hashed with
 * SHA-256 on the way so that the backup's checksum costs no second read. A flush does nothing: the target
 * flushes when it publishes. Not thread-safe: the writer hands it from
 * thread to thread under its own locks.
 */
final class FileSink extends OutputStream {
    private final OutputStream out;
    private final MessageDigest sha256;
    private long bytes;

    FileSink(OutputStream out) {
        this.out = out;
        this.sha256 = sha256();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        sha256.update(b, offset, length);
        bytes += length;
        out.write(b, offset, length);
    }

    long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything written, in lower-case hex. Call once, at the end. */
    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
