package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * Creates files that only their owner can read: backups hold whole databases. On POSIX file systems the
 * permissions (rw-------) are set by the creating system call itself, so there is no moment when another
 * user could open the file. Elsewhere (Windows, FAT) files get the directory's default access, the only
 * portable choice. Stateless and thread-safe.
 */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /** Creates {@code file}, failing if it exists, and opens it for writing. */
    public static FileChannel createNew(Path file) throws IOException {
        return FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly(file));
    }

    /** Creates a uniquely named, empty temporary file {@code <prefix>…<suffix>} in {@code directory}. */
    public static Path createTemp(Path directory, String prefix, String suffix) throws IOException {
        return Files.createTempFile(directory, prefix, suffix, ownerOnly(directory));
    }

    /** Creates or replaces {@code file} with {@code bytes}. */
    public static void write(Path file, byte[] bytes) throws IOException {
        Files.deleteIfExists(file);
        try (FileChannel channel = createNew(file)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    /**
     * Makes a directory's new or renamed entries durable, after a file was moved into it. Not possible on every
     * platform (Windows cannot open a directory), where it is skipped: the file itself was already forced.
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // see above: skipped where directories cannot be opened or forced
        }
    }

    private static FileAttribute<?>[] ownerOnly(Path path) {
        if (!path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[0];
        }
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
    }
}
