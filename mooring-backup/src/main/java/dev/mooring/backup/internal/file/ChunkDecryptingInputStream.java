package dev.mooring.backup.internal.file;

import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import javax.crypto.AEADBadTagException;

/**
 * Reads the chunks that follow an {@link EncryptionHeader} and releases each chunk's plaintext only after
 * it authenticated, so a caller never sees a modified byte. The end of the file decides which chunk should
 * carry the final flag; when authentication fails, the other flag is tried to say what happened: a file cut
 * at a chunk boundary, or bytes appended after the final chunk, rather than just "modified".
 *
 * <p>{@link #available()} decrypts ahead when its buffer is empty: {@code GZIPInputStream} only looks for a
 * further gzip member when {@code available()} is positive, and would otherwise stop early at a chunk
 * boundary. Errors are {@link MooringException}s ({@code BACKUP_CORRUPT}). Not thread-safe.
 */
final class ChunkDecryptingInputStream extends InputStream {
    private final InputStream in;
    private final ChunkCipher cipher;
    private final String file;
    private final byte[] record;
    private final byte[] plain;
    private int position;
    private int limit;
    private long index;
    private boolean sawFinal;
    private int carried = -1;

    ChunkDecryptingInputStream(InputStream in, ChunkCipher cipher, String file) {
        this.in = in;
        this.cipher = cipher;
        this.file = file;
        this.record = new byte[cipher.header().chunkSize() + ChunkCipher.TAG_LENGTH];
        this.plain = new byte[cipher.header().chunkSize()];
    }

    @Override
    public int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return plain[position++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, b.length);
        if (length == 0) {
            return 0;
        }
        if (position == limit && !fill()) {
            return -1;
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(plain, position, b, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        if (position == limit) {
            fill();
        }
        return limit - position;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Decrypts chunks until there is plaintext or the final chunk has been read. */
    private boolean fill() throws IOException {
        while (position == limit) {
            if (sawFinal) {
                return false;
            }
            decryptNext();
        }
        return true;
    }

    private void decryptNext() throws IOException {
        int n = readRecord();
        // the final chunk is the one the file ends with; a full record needs one more byte to tell
        boolean last = n < record.length || (carried = in.read()) < 0;
        if (n == 0) {
            throw corrupt("truncated: the final chunk is missing (the file ends after "
                    + (index == 0 ? "its header" : "chunk " + (index - 1)) + ")");
        }
        if (n < ChunkCipher.TAG_LENGTH) {
            throw corrupt("truncated: chunk " + index + " is cut short");
        }
        try {
            limit = cipher.open(index, last, record, n, plain);
        } catch (AEADBadTagException e) {
            throw explain(n, last);
        }
        position = 0;
        sawFinal = last;
        index++;
    }

    private int readRecord() throws IOException {
        int n = 0;
        if (carried >= 0) {
            record[0] = (byte) carried;
            carried = -1;
            n = 1;
        }
        return n + in.readNBytes(record, n, record.length - n);
    }

    private MooringException explain(int length, boolean last) {
        byte[] scratch = new byte[plain.length];
        if (last && cipher.opens(index, false, record, length, scratch)) {
            return corrupt("truncated: the final chunk is missing (the file ends after chunk " + index + ")");
        }
        if (!last && cipher.opens(index, true, record, length, scratch)) {
            return corrupt("unexpected bytes after the final chunk " + index);
        }
        return corrupt("chunk " + index + " failed authentication: the file was modified or corrupted");
    }

    private MooringException corrupt(String problem) {
        return EncryptionHeader.corrupt(file, problem);
    }
}
