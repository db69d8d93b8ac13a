package dev.mooring.backup.internal.file;

import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.StoreOutput;
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

/**
 * Where a {@link BackupFileWriter}'s bytes go, and how the finished backup becomes visible or disappears: a
 * {@linkplain #partialFile partial file} linked into place, or an {@linkplain #storeObject object of a store}, which
 * its store publishes. Not thread-safe: the writer hands it from thread to thread under its own locks.
 */
abstract sealed class WriteTarget {
    private static final int BUFFER_SIZE = 1024 * 1024;

    /** The target file {@code target}, written through {@code <target>.partial}, which must not exist. */
    static WriteTarget partialFile(Path target) {
        refuseExisting(target);
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            return new PartialFile(target, partial, PrivateFiles.createNew(partial));
        } catch (FileAlreadyExistsException e) {
            throw new MooringException(ErrorCode.IO, partial + " exists: another backup is writing it, or one was"
                    + " interrupted; delete it if no backup is running", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not create " + partial + ": " + e.getMessage(), e);
        }
    }

    /**
     * The object {@code name} of {@code store}, which must not exist yet, and must not have appeared when the backup
     * is published ({@link BackupStore#createNew(String)}).
     */
    static WriteTarget storeObject(BackupStore store, String name) {
        return new StoreObject(store, name, store.createNew(name));
    }

    private final OutputStream out;
    private final String name;
    private final Path path;
    private final String description;
    private final Path spillDirectory;

    private WriteTarget(OutputStream out, String name, Path path, String description, Path spillDirectory) {
        this.out = out;
        this.name = name;
        this.path = path;
        this.description = description;
        this.spillDirectory = spillDirectory;
    }

    /** The raw bytes, buffered by the target. */
    final OutputStream out() {
        return out;
    }

    /** Makes the backup durable and visible under its name; every byte was written to {@link #out()}. */
    abstract void publish() throws IOException;

    /** Removes every byte written, quietly: this runs on failure paths. */
    abstract void discard();

    /** The backup's name, which spill files are named after. */
    final String name() {
        return name;
    }

    /** The backup's file, or its name for a store not on this machine, for {@link WrittenFile#path()}. */
    final Path path() {
        return path;
    }

    /** Where the backup is, for messages. */
    final String description() {
        return description;
    }

    /** Where segments that must wait for the ones before them may spill to disk. */
    final Path spillDirectory() {
        return spillDirectory;
    }

    private static void refuseExisting(Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new MooringException(ErrorCode.IO, "refusing to overwrite " + target + ": it already exists");
        }
    }

    /** Bytes go to {@code <file>.partial}; publishing fsyncs it and links it to the file. */
    private static final class PartialFile extends WriteTarget {
        private final Path target;
        private final Path partial;
        private final FileChannel channel;

        PartialFile(Path target, Path partial, FileChannel channel) {
            super(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE),
                    target.getFileName().toString(), target, target.toString(), target.getParent());
            this.target = target;
            this.partial = partial;
            this.channel = channel;
        }

        /** A hard link cannot replace an existing file, so it publishes without a check-then-act race. */
        @Override
        void publish() throws IOException {
            out().flush();
            channel.force(true);
            channel.close();
            try {
                Files.createLink(target, partial);
                Files.delete(partial);
            } catch (FileAlreadyExistsException e) {
                throw new MooringException(ErrorCode.IO, "refusing to overwrite " + target + ": it appeared while the backup was written", e);
            } catch (UnsupportedOperationException | FileSystemException e) {
                // no hard links here (FAT, some network file systems): rename, which may replace, so check first
                refuseExisting(target);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            PrivateFiles.syncDirectory(target.getParent());
        }

        @Override
        void discard() {
            try {
                channel.close();
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // failure path: nothing more can be done; a leftover partial file is reported by the next backup
            }
        }
    }

    /** Bytes stream into a store's output, which its close publishes (a rename, or completing an upload). */
    private static final class StoreObject extends WriteTarget {
        private final StoreOutput output;

        StoreObject(BackupStore store, String name, StoreOutput output) {
            super(output, name, store.localFolder().map(folder -> folder.resolve(name)).orElse(Path.of(name)),
                    store.describe(name), store.localFolder().orElse(Path.of(System.getProperty("java.io.tmpdir"))));
            this.output = output;
        }

        @Override
        void publish() {
            output.close();
        }

        @Override
        void discard() {
            output.abort();
        }
    }
}
