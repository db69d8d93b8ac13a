package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encrypts a byte stream into the chunked AES-GCM format of {@link EncryptionHeader}: writes the header, then
 * one sealed record per chunk of plaintext. A full chunk is sealed only when more bytes follow, so the chunk
 * that {@link #finish} seals with the final flag is never missing (it is empty only for empty content).
 * Not thread-safe.
 */
final class ChunkEncryptingOutputStream extends OutputStream {
    private final ChunkCipher cipher;
    private final OutputStream out;
    private final byte[] chunk;
    private final byte[] sealed;
    private int filled;
    private long index;
    private boolean finished;

    ChunkEncryptingOutputStream(ChunkCipher cipher, OutputStream out) throws IOException {
        this.cipher = cipher;
        this.out = out;
        this.chunk = new byte[cipher.header().chunkSize()];
        this.sealed = new byte[chunk.length + ChunkCipher.TAG_LENGTH];
        out.write(cipher.header().bytes());
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        if (finished) {
            throw new IOException("encrypted stream already finished");
        }
        int off = offset;
        int remaining = length;
        while (remaining > 0) {
            if (filled == chunk.length) {
                sealChunk(chunk, 0, filled, false);
                filled = 0;
            }
            if (filled == 0 && remaining > chunk.length) {
                // more than a chunk follows, so this one is not the last: seal it in place, without a copy
                sealChunk(b, off, chunk.length, false);
                off += chunk.length;
                remaining -= chunk.length;
                continue;
            }
            int n = Math.min(remaining, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            remaining -= n;
        }
    }

    /** Seals the last chunk with the final flag. The underlying stream stays open. */
    void finish() throws IOException {
        if (!finished) {
            sealChunk(chunk, 0, filled, true);
            finished = true;
            filled = 0;
        }
    }

    private void sealChunk(byte[] b, int offset, int length, boolean last) throws IOException {
        int n = cipher.seal(index++, last, b, offset, length, sealed);
        out.write(sealed, 0, n);
    }
}
