package dev.mooring.backup.internal.file;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
        MessageDigest sha = FileSink.sha256();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (channel.read(buffer) >= 0) {
                sha.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        } catch (NoSuchFileException e) {
            throw new MooringException(ErrorCode.IO, "cannot checksum " + file + ": it does not exist", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "cannot checksum " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
