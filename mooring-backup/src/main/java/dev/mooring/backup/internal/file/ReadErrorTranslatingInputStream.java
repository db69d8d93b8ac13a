package dev.mooring.backup.internal.file;

import com.github.luben.zstd.ZstdIOException;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * Turns the decompressors' exceptions into {@link MooringException}s that name the file: a gzip CRC or
 * truncation error, or a zstd checksum or truncation error, becomes {@code BACKUP_CORRUPT}; any other
 * I/O error becomes {@code IO}. Not thread-safe, like the stream it wraps.
 */
final class ReadErrorTranslatingInputStream extends FilterInputStream {
    private final String file;

    ReadErrorTranslatingInputStream(InputStream in, String file) {
        super(in);
        this.file = file;
    }

    @Override
    public int read() {
        try {
            return in.read();
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    @Override
    public int read(byte[] b, int offset, int length) {
        try {
            return in.read(b, offset, length);
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    @Override
    public long skip(long n) {
        try {
            return in.skip(n);
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    @Override
    public int available() {
        try {
            return in.available();
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw translate(file, e);
        }
    }

    static MooringException translate(String file, IOException e) {
        if (e instanceof EOFException) {
            return new MooringException(ErrorCode.BACKUP_CORRUPT, "backup file " + file
                    + " is truncated: the compressed data ends early (" + e.getMessage() + ")", e);
        }
        if (e instanceof ZipException || e instanceof ZstdIOException) {
            return new MooringException(ErrorCode.BACKUP_CORRUPT, "backup file " + file
                    + " is truncated or corrupt: " + e.getMessage(), e);
        }
        return new MooringException(ErrorCode.IO, "could not read backup file " + file + ": " + e.getMessage(), e);
    }
}
