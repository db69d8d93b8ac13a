package dev.mooring.backup.internal.store;

import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link BackupStore} in a local (or mounted) folder. Each write goes to an owner-only temporary file
 * {@code .<name>.<random>.upload} in the same folder, is forced to disk, and is renamed over {@code <name>}
 * atomically on close, so a reader sees the old object or the whole new one, never a part. Files starting with a
 * dot, sub-folders and anything else that is not a valid object name are not objects of the store.
 *
 * <p>The folder is created by the first write. Thread-safe: the file system arbitrates.
 */
public final class FolderStore implements BackupStore {
    static final String TEMP_SUFFIX = ".upload";

    private final Path dir;

    private FolderStore(Path dir) {
        this.dir = dir;
    }

    /** The store in {@code dir}, which need not exist yet. */
    public static FolderStore open(Path dir) {
        Objects.requireNonNull(dir, "dir");
        return new FolderStore(dir.toAbsolutePath().normalize());
    }

    @Override
    public String describe() {
        return dir.toString();
    }

    @Override
    public String describe(String name) {
        return dir.resolve(name).toString();
    }

    @Override
    public Optional<Path> localFolder() {
        return Optional.of(dir);
    }

    @Override
    public StoreOutput create(String name) {
        return start(name, true);
    }

    @Override
    public StoreOutput createNew(String name) {
        if (exists(name)) {
            throw new ObjectExistsException(name, describe(name), null);
        }
        return start(name, false);
    }

    private StoreOutput start(String name, boolean replace) {
        Path target = dir.resolve(StoreNames.check(name));
        try {
            Files.createDirectories(dir);
            Path temp = PrivateFiles.createTemp(dir, "." + name + ".", TEMP_SUFFIX);
            return FolderOutput.start(temp, target, name, replace);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not start writing " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String name) {
        Path file = dir.resolve(StoreNames.check(name));
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw StoreNames.missing(name, this, e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<StoredObject> list() {
        List<StoredObject> objects = new ArrayList<>();
        for (Path file : entries()) {
            String name = file.getFileName().toString();
            BasicFileAttributes attributes = attributes(file);
            if (attributes != null && attributes.isRegularFile() && StoreNames.isValid(name)) {
                objects.add(new StoredObject(name, attributes.size(), attributes.lastModifiedTime().toInstant()));
            }
        }
        objects.sort(Comparator.comparing(StoredObject::name));
        return objects;
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(StoreNames.check(name)));
    }

    @Override
    public void delete(String name) {
        Path file = dir.resolve(StoreNames.check(name));
        try {
            if (Files.deleteIfExists(file)) {
                PrivateFiles.syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not delete " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int cleanUpIncomplete(Duration olderThan) {
        Instant cutoff = Instant.now().minus(Objects.requireNonNull(olderThan, "olderThan"));
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        for (Path file : entries()) {
            String name = file.getFileName().toString();
            BasicFileAttributes attributes = attributes(file);
            if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX) && attributes != null && attributes.isRegularFile()
                    && !attributes.lastModifiedTime().toInstant().isAfter(cutoff)) {
                try {
                    if (Files.deleteIfExists(file)) {
                        removed++;
                    }
                } catch (IOException e) {
                    throw new MooringException(ErrorCode.IO, "could not delete " + file + ": " + e.getMessage(), e);
                }
            }
        }
        return removed;
    }

    @Override
    public void close() {
        // nothing held open
    }

    private List<Path> entries() {
        if (!Files.isDirectory(dir)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "the backup folder " + dir + " does not exist: check the path");
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not list " + dir + ": " + e.getMessage(), e);
        }
        return entries;
    }

    /** The file's attributes, or null if it went away since the folder was listed. */
    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }
}
