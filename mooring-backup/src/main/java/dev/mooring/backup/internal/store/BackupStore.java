package dev.mooring.backup.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A place where backups are kept: a folder ({@link FolderStore}) or a bucket and prefix in an S3-compatible object
 * store ({@link S3Store}). Objects have flat names (see {@link StoreNames}) relative to the store's folder or
 * prefix; objects in sub-folders or under longer prefixes belong to no store and are never listed.
 *
 * <p>Writes are all or nothing: an object becomes visible under its name only when its {@link StoreOutput} is
 * closed successfully, replacing an object of the same name. A failed or {@linkplain StoreOutput#abort() aborted}
 * write leaves nothing behind; a writer that died without either (a killed process) leaves data that
 * {@link #cleanUpIncomplete(Duration)} removes, and that {@link #list()} never shows.
 *
 * <p>Failures are {@link dev.mooring.core.MooringException}s whose messages name the store and the fix; they
 * never contain credentials. Implementations are thread-safe; the streams they return are not.
 */
public interface BackupStore extends AutoCloseable {

    /**
     * Whether {@code name} may name an object in every store: 1 to 200 characters, no slash or backslash, no
     * control characters, not starting with a dot. Backup file names always may.
     */
    static boolean isValidName(String name) {
        return StoreNames.isValid(name);
    }

    /** Where the store is, for messages: a folder path or {@code s3://bucket/prefix at <endpoint>}. Never credentials. */
    String describe();

    /** Where the object {@code name} is, for messages: its file path or {@code s3://bucket/prefix/name}. */
    String describe(String name);

    /**
     * The folder on this machine that holds the objects, for a store that is one: temporary files made while
     * writing or reading its objects then stay on the same disk. Empty for a remote store.
     */
    default Optional<Path> localFolder() {
        return Optional.empty();
    }

    /**
     * Starts writing the object {@code name}. Nothing is visible until the returned stream is closed; on any
     * failure of the caller, call {@link StoreOutput#abort()} (or use {@link #write(String, ContentWriter)}, which
     * does). Memory use is bounded whatever the object's size.
     */
    StoreOutput create(String name);

    /**
     * As {@link #create(String)}, but closing the stream publishes the object only if no object of that name exists
     * then: otherwise the close throws {@link ObjectExistsException} and the existing object stays as it was. A
     * folder decides this atomically (a hard link, which cannot replace); S3 with a conditional write
     * ({@code If-None-Match: *}), which AWS S3 and most compatible stores honour, after a check when the write
     * starts for stores that ignore the condition.
     *
     * @throws ObjectExistsException if the object already exists when the write starts
     */
    StoreOutput createNew(String name);

    /**
     * Writes the object {@code name} with what {@code content} writes, publishing it only if {@code content}
     * returns normally: an exception thrown by {@code content} aborts the write and is rethrown unchanged.
     */
    default void write(String name, ContentWriter content) throws IOException {
        StoreOutput out = create(name);
        try {
            content.writeTo(out);
        } catch (IOException | RuntimeException | Error e) {
            out.abort();
            throw e;
        }
        out.close();
    }

    /**
     * Reads the object {@code name}.
     *
     * @throws dev.mooring.core.MooringException {@code IO}, naming the object and the store, when it does not exist
     */
    InputStream open(String name);

    /** Every complete object directly in the store, sorted by name. */
    List<StoredObject> list();

    boolean exists(String name);

    /** Deletes the object {@code name}; deleting an object that does not exist is no error. */
    void delete(String name);

    /**
     * Removes what interrupted writes left behind that is older than {@code olderThan}: abandoned multipart
     * uploads in S3, temporary files in a folder. Writes still running are younger than any sensible
     * {@code olderThan}, so pick one longer than the longest backup.
     *
     * @return how many incomplete writes were removed
     */
    int cleanUpIncomplete(Duration olderThan);

    /** Releases the store's connections; objects being written must be closed or aborted first. */
    @Override
    void close();

    /** Writes an object's content, for {@link #write(String, ContentWriter)}. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }
}
