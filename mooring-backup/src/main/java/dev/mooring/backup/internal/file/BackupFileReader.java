package dev.mooring.backup.internal.file;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.mooring.backup.Compression;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Opens a backup file written by {@link BackupFileWriter}, or by hand (a plain, gzip or zstd SQL script),
 * and returns its content. The format is found from the first bytes: the encryption magic, else the gzip
 * ({@code 1f 8b}) or zstd ({@code 28 b5 2f fd}) magic, else plain.
 *
 * <p>Errors are {@link MooringException}s, also from the returned stream's methods: {@code BACKUP_PASSPHRASE}
 * when an encrypted file gets no passphrase or the wrong one, {@code BACKUP_CORRUPT} for damage or truncation,
 * {@code IO} otherwise. Encrypted chunks are authenticated before their bytes are released; gzip and zstd
 * check their CRC or checksum at the end of each member or frame, after its bytes were read. Stateless and
 * thread-safe; each returned stream is for one thread.
 */
public final class BackupFileReader {
    private static final int BUFFER_SIZE = 256 * 1024;

    private BackupFileReader() {
    }

    /**
     * Opens {@code file} for reading its content. {@code passphrase} is called only if the file is encrypted;
     * the array it returns is cleared after use.
     */
    public static InputStream open(Path file, Supplier<char[]> passphrase) {
        Objects.requireNonNull(file, "file");
        return open(openRaw(file), file.toString(), passphrase);
    }

    /**
     * Returns the content of the backup whose stored bytes {@code stored} reads, as {@link #open(Path, Supplier)}
     * does; {@code source} names the backup in messages (a path or an object's URL). The returned stream owns
     * {@code stored}, which is closed on failure here.
     */
    public static InputStream open(InputStream stored, String source, Supplier<char[]> passphrase) {
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(source, "source");
        InputStream raw = new BufferedInputStream(stored, BUFFER_SIZE);
        try {
            return new ReadErrorTranslatingInputStream(contentStream(raw, source, passphrase), source);
        } catch (IOException e) {
            closeQuietly(raw);
            throw ReadErrorTranslatingInputStream.translate(source, e);
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /** Finds how {@code file} is stored, without a passphrase: an encrypted file's header names its compression. */
    public static FileFormat detect(Path file) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = new BufferedInputStream(openRaw(file), BUFFER_SIZE)) {
            byte[] head = new byte[EncryptionHeader.LENGTH];
            int n = in.readNBytes(head, 0, head.length);
            if (EncryptionHeader.hasMagic(head, n)) {
                return new FileFormat(true, EncryptionHeader.parse(head, n, file).compression());
            }
            rejectDamagedMagic(head, n, file.toString());
            return new FileFormat(false, sniff(head, n));
        } catch (IOException e) {
            throw ReadErrorTranslatingInputStream.translate(file.toString(), e);
        }
    }

    private static InputStream contentStream(InputStream raw, String file, Supplier<char[]> passphrase) throws IOException {
        raw.mark(EncryptionHeader.LENGTH);
        byte[] head = new byte[EncryptionHeader.LENGTH];
        int n = raw.readNBytes(head, 0, head.length);
        if (EncryptionHeader.hasMagic(head, n)) {
            EncryptionHeader header = EncryptionHeader.parse(head, n, file);
            char[] secret = askPassphrase(passphrase, file);
            ChunkCipher cipher;
            try {
                cipher = ChunkCipher.forReading(header, secret, file);
            } finally {
                Arrays.fill(secret, '\0');
            }
            return decompress(new ChunkDecryptingInputStream(raw, cipher, file), header.compression());
        }
        rejectDamagedMagic(head, n, file);
        raw.reset();
        return decompress(raw, sniff(head, n));
    }

    private static InputStream decompress(InputStream in, Compression compression) throws IOException {
        switch (compression) {
            case NONE:
                return in;
            case GZIP:
                // reads every member of a multi-member file, as the writer's segments make
                return new GZIPInputStream(in, BUFFER_SIZE);
            case ZSTD:
                return new ZstdInputStreamNoFinalizer(in);
            default:
                throw new IllegalArgumentException("compression " + compression);
        }
    }

    static Compression sniff(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
            return Compression.GZIP;
        }
        if (length >= 4 && (head[0] & 0xFF) == 0x28 && (head[1] & 0xFF) == 0xB5
                && (head[2] & 0xFF) == 0x2F && (head[3] & 0xFF) == 0xFD) {
            return Compression.ZSTD;
        }
        return Compression.NONE;
    }

    private static void rejectDamagedMagic(byte[] head, int length, String file) {
        if (EncryptionHeader.hasDamagedMagic(head, length)) {
            throw EncryptionHeader.corrupt(file, "the encryption magic is damaged or the file is truncated");
        }
    }

    private static char[] askPassphrase(Supplier<char[]> passphrase, String file) {
        char[] value = passphrase == null ? null : passphrase.get();
        if (value == null || value.length == 0) {
            throw new MooringException(ErrorCode.BACKUP_PASSPHRASE, "backup file " + file
                    + " is encrypted: set MOORING_BACKUP_PASSPHRASE to its passphrase");
        }
        return value;
    }

    private static InputStream openRaw(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new MooringException(ErrorCode.IO, "backup file " + file + " does not exist", e);
        } catch (IOException e) {
            throw ReadErrorTranslatingInputStream.translate(file.toString(), e);
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }
}
