package dev.mooring.backup.internal.file;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/** Checksums of whole files, read in large blocks; what verify compares with the manifest. Stateless, thread-safe. */
public final class FileDigest {
    private static final int BUFFER_SIZE = 1024 * 1024;

    private FileDigest() {
    }

    /** The SHA-256 of {@code file}'s bytes in lower-case hex, the same form as {@link WrittenFile#sha256()}. */
    public static String sha256(Path file) {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new MooringException(ErrorCode.IO, "cannot checksum " + file + ": it does not exist");
        }
        // A plain read into a heap array: a FileChannel read into a heap ByteBuffer goes through a temporary
        // direct buffer and copies every byte twice, which made hashing a large backup 1.5x slower.
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return sha256(in, file.toString());
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "cannot checksum " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The SHA-256 of what {@code in} reads, to its end, in the same form; {@code source} names it in messages. The
     * caller closes {@code in}; a failure of the store behind it (a {@link MooringException}) passes through.
     */
    public static String sha256(InputStream in, String source) {
        Objects.requireNonNull(in, "in");
        MessageDigest sha = FileSink.sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                sha.update(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "cannot checksum " + source + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
