package dev.mooring.backup.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates files that only their owner can read and write. On POSIX file systems the permissions are set at
 * creation, so the file is never readable by others, not even for a moment. Stateless.
 */
public final class OwnerOnlyFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private OwnerOnlyFiles() {
    }

    /** Creates {@code path}, which must not exist, as an owner-only file, and opens it for writing. */
    public static SeekableByteChannel createNew(Path path) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return POSIX ? Files.newByteChannel(path, options, ownerOnly()) : Files.newByteChannel(path, options);
    }

    /** Creates or replaces {@code path} with {@code bytes}, owner-only. */
    public static void write(Path path, byte[] bytes) throws IOException {
        Files.deleteIfExists(path);
        try (SeekableByteChannel channel = createNew(path)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /** Creates an owner-only temporary file in {@code dir}. */
    public static Path createTemp(Path dir, String prefix, String suffix) throws IOException {
        return POSIX ? Files.createTempFile(dir, prefix, suffix, ownerOnly()) : Files.createTempFile(dir, prefix, suffix);
    }

    private static FileAttribute<?> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
