package dev.mooring.migrate.internal;

import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed migration files of this JVM, reused while a file's size, modification time and identity (device and inode)
 * are unchanged, so a process that migrates many databases from one folder (a database per tenant, a test suite)
 * reads and checksums each file once instead of on every call. An edited file is read again: editors that rewrite
 * in place change the time and usually the size, and those that write a new file change the identity. A file
 * modified in the last {@link #SETTLE} is never kept (as git treats "racily clean" files): on a file system with
 * coarse timestamps, a same-size edit within one tick would otherwise go unseen. Files over
 * {@link #MAX_FILE_BYTES} are not kept, nor more than {@link #MAX_ENTRIES} files. Thread-safe.
 */
final class ParsedFileCache {
    static final long MAX_FILE_BYTES = 256 * 1024;
    static final int MAX_ENTRIES = 50_000;
    static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(3);

    private record Key(String location, Path path) {
    }

    private record Entry(long size, FileTime modified, Object fileKey, MigrationFileParser.Parsed parsed) {
        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime())
                    && Objects.equals(fileKey, attributes.fileKey());
        }
    }

    private static final Map<Key, Entry> ENTRIES = new ConcurrentHashMap<>();

    private ParsedFileCache() {
    }

    /** The parsed file if it is unchanged since it was kept, else {@code null}. */
    static MigrationFileParser.Parsed get(String location, Path path, BasicFileAttributes attributes) {
        Entry e = ENTRIES.get(new Key(location, path));
        return e != null && e.matches(attributes) ? e.parsed() : null;
    }

    static void put(String location, Path path, BasicFileAttributes attributes, MigrationFileParser.Parsed parsed) {
        if (attributes.size() > MAX_FILE_BYTES || attributes.fileKey() == null
                || attributes.lastModifiedTime().toInstant().isAfter(java.time.Instant.now().minus(SETTLE))) {
            return;
        }
        if (ENTRIES.size() >= MAX_ENTRIES) {
            ENTRIES.clear();
        }
        ENTRIES.put(new Key(location, path), new Entry(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey(), parsed));
    }
}
