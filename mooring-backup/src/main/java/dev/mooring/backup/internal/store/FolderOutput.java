package dev.mooring.backup.internal.store;

import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes one object of a {@link FolderStore}: into its temporary file, then forced and renamed over the target on
 * {@link #close()}. Not thread-safe.
 */
final class FolderOutput extends StoreOutput {
    private static final int BUFFER_SIZE = 1024 * 1024;

    private final Path temp;
    private final Path target;
    private final String name;
    private final boolean replace;
    private final FileChannel channel;
    private final OutputStream out;
    private OutputState state = OutputState.OPEN;

    private FolderOutput(Path temp, Path target, String name, boolean replace, FileChannel channel) {
        this.temp = temp;
        this.target = target;
        this.name = name;
        this.replace = replace;
        this.channel = channel;
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
    }

    /**
     * Writes through {@code temp}, which exists and is empty, to {@code target}, the object {@code name}; replacing
     * an existing target only if {@code replace}.
     */
    static FolderOutput start(Path temp, Path target, String name, boolean replace) throws IOException {
        try {
            return new FolderOutput(temp, target, name, replace, FileChannel.open(temp, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    @Override
    public void write(int b) throws IOException {
        checkOpen();
        try {
            out.write(b);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        checkOpen();
        try {
            out.write(b, offset, length);
        } catch (IOException e) {
            throw failed(e);
        }
    }

    @Override
    public void close() {
        if (state.finishedByCaller()) {
            return;
        }
        state.checkNotFailed(target.toString());
        try {
            out.flush();
            channel.force(true);
            channel.close();
            if (replace) {
                // rename(2) replaces the target atomically: readers see the old object or the new one
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                publishWithoutReplacing();
            }
            state = OutputState.CLOSED;
        } catch (FileAlreadyExistsException e) {
            abort();
            throw new ObjectExistsException(name, target.toString(), e);
        } catch (IOException e) {
            throw failed(e);
        }
        PrivateFiles.syncDirectory(target.getParent());
    }

    /** A hard link cannot replace an existing file, so this publishes without a check-then-act race. */
    private void publishWithoutReplacing() throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // no hard links here (FAT, some network file systems): a rename may replace, so check just before it
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Files.delete(temp);
    }

    @Override
    public void abort() {
        if (state != OutputState.OPEN) {
            return;
        }
        state = OutputState.ABORTED;
        try {
            channel.close();
        } catch (IOException ignored) {
            // the delete below is what matters
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // cleanUpIncomplete removes it later: it is a temporary file, never listed
        }
    }

    private void checkOpen() throws IOException {
        state.checkOpen(target.toString());
    }

    private MooringException failed(IOException e) {
        abort();
        state = OutputState.FAILED;
        return new MooringException(ErrorCode.IO, "could not write " + target + ": " + e.getMessage(), e);
    }
}
