package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The bytes that reach the disk: buffered writes to a file channel, counted and hashed with SHA-256 on the
 * way so that the backup's checksum costs no second read. Not thread-safe: the writer hands it from thread
 * to thread under its own locks.
 */
final class FileSink extends OutputStream {
    private static final int BUFFER_SIZE = 1024 * 1024;

    private final FileChannel channel;
    private final MessageDigest sha256;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    private long bytes;

    FileSink(FileChannel channel) {
        this.channel = channel;
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
        if (length >= BUFFER_SIZE) {
            // a large block gains nothing from a copy into the buffer
            flushBuffer();
            writeFully(ByteBuffer.wrap(b, offset, length));
            return;
        }
        if (count + length > BUFFER_SIZE) {
            flushBuffer();
        }
        System.arraycopy(b, offset, buffer, count, length);
        count += length;
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
    }

    /** Flushes and forces the bytes to the storage device, so that a rename after it cannot expose a hole. */
    void force() throws IOException {
        flushBuffer();
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything written, in lower-case hex. Call once, at the end. */
    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            writeFully(ByteBuffer.wrap(buffer, 0, count));
            count = 0;
        }
    }

    private void writeFully(ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            channel.write(source);
        }
    }
}
