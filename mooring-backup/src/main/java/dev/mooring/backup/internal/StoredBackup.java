package dev.mooring.backup.internal;

import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.FolderStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One backup in a {@link BackupStore}: the object {@code name} and, beside it, its manifest
 * ({@link ManifestStore#nameOf(String)}). Immutable; the store is shared with the caller, who closes it.
 *
 * @param store       where the backup is
 * @param name        the backup's object name, such as {@code app_2026-11-21T12-34-56-789Z.sql.zst}
 * @param file        how results name it: the path a user gave, the file in a folder store, or for any other store
 *                    the bare name (a relative path)
 * @param description how messages name it: the path a user gave, the file's path, or {@code s3://bucket/prefix/name}
 */
public record StoredBackup(BackupStore store, String name, Path file, String description) {
    public StoredBackup {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(description, "description");
    }

    /** The backup file {@code file}, in the folder store of its folder; messages name it as given. */
    public static StoredBackup of(Path file) {
        Objects.requireNonNull(file, "file");
        Path absolute = file.toAbsolutePath().normalize();
        Path name = absolute.getFileName();
        if (name == null) {
            throw new MooringException(ErrorCode.CONFIGURATION, file + " is a folder, not a backup file.");
        }
        if (!BackupStore.isValidName(name.toString())) {
            // what no store can hold: a hidden file, a name with control characters
            throw new MooringException(ErrorCode.CONFIGURATION, Files.exists(absolute)
                    ? file + " is not named like a backup: backup names do not start with a dot and hold no control"
                    + " characters or backslashes. Rename the file."
                    : "There is no backup file " + file + ".");
        }
        return new StoredBackup(FolderStore.open(absolute.getParent()), name.toString(), file, file.toString());
    }

    /** The backup {@code name} in {@code store}. */
    public static StoredBackup in(BackupStore store, String name) {
        Path file = store.localFolder().map(folder -> folder.resolve(name)).orElse(Path.of(name));
        return new StoredBackup(store, name, file, store.describe(name));
    }

    /** The name of the backup's manifest object. */
    public String manifestName() {
        return ManifestStore.nameOf(name);
    }

    /** Whether the backup's object exists (its manifest may not). */
    public boolean exists() {
        return store.exists(name);
    }

    /** The backup's stored bytes (compressed, maybe encrypted), streamed from the store. */
    public InputStream openStored() {
        return store.open(name);
    }

    /**
     * A folder for temporary files made from the backup (a decoded SQLite file): the backup's own folder when it is
     * in a writable one, so that the copy stays on the same disk, else the system's temporary folder.
     */
    public Path scratchDir() {
        return store.localFolder().filter(folder -> Files.isDirectory(folder) && Files.isWritable(folder))
                .orElse(Path.of(System.getProperty("java.io.tmpdir")));
    }
}
