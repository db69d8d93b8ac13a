package dev.mooring.backup.internal.pitr;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What of a PostgreSQL data directory goes into a base backup: everything but what pg_basebackup and pgBackRest
 * also leave out, because the server recreates it or it would harm a restored server. Left out are the contents of
 * {@code pg_wal} (the archive has the WAL), {@code pg_replslot}, {@code pg_dynshmem}, {@code pg_notify},
 * {@code pg_serial}, {@code pg_snapshots}, {@code pg_stat_tmp} and {@code pg_subtrans} (the folders themselves stay,
 * empty, with {@code pg_wal/archive_status}); {@code postmaster.pid}, {@code postmaster.opts}, {@code backup_label},
 * {@code tablespace_map}, {@code backup_manifest}, {@code current_logfiles}, {@code recovery.signal},
 * {@code standby.signal}, every {@code pg_internal.init} and everything named {@code pgsql_tmp*}. Files that vanish
 * during the scan (a dropped table) are skipped. Stateless.
 */
public final class DataDirectoryScan {
    /** Folders kept, empty. */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
    private static final Set<String> TOP_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "tablespace_map", "backup_manifest", "current_logfiles", "recovery.signal", "standby.signal",
            "backup_label.old", "recovery.conf", "recovery.done");

    /** One entry: a folder or a file, {@code path} relative with {@code /}. */
    public record Item(String path, boolean directory, long size, long mtimeSeconds) {
    }

    private DataDirectoryScan() {
    }

    /**
     * The entries of {@code pgdata} that a base backup holds, parents before children.
     *
     * @throws MooringException {@code CONFIGURATION} when the data directory uses tablespaces, which base backups do
     *                          not hold yet
     */
    public static List<Item> scan(Path pgdata) {
        Path root = requireDataDirectory(pgdata);
        refuseTablespaces(root);
        List<Item> items = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String rel = relative(root, dir);
                    if (rel.isEmpty()) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (dir.getFileName().toString().startsWith("pgsql_tmp")) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    items.add(new Item(rel, true, 0, attrs.lastModifiedTime().toInstant().getEpochSecond()));
                    if (EMPTIED.contains(rel)) {
                        if (rel.equals("pg_wal")) {
                            items.add(new Item("pg_wal/archive_status", true, 0, 0));
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    String rel = relative(root, file);
                    String name = file.getFileName().toString();
                    if (TOP_FILES.contains(rel) || name.equals("pg_internal.init") || name.startsWith("pgsql_tmp")) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (rel.equals("pg_wal")) {
                        // pg_wal is a link to another disk: keep it as an empty folder
                        items.add(new Item("pg_wal", true, 0, 0));
                        items.add(new Item("pg_wal/archive_status", true, 0, 0));
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isRegularFile()) {
                        items.add(new Item(rel, false, attrs.size(), attrs.lastModifiedTime().toInstant().getEpochSecond()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new MooringException(ErrorCode.IO, "could not read the data directory " + root + ": " + e.getMessage()
                    + " (run basebackup as a user who can read it, such as postgres)", e);
        }
        return items;
    }

    /** {@code pgdata}, absolute, if it holds a {@code PG_VERSION} this user can read. */
    public static Path requireDataDirectory(Path pgdata) {
        Path root = pgdata.toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("PG_VERSION")) || !Files.isReadable(root.resolve("PG_VERSION"))) {
            throw new MooringException(ErrorCode.CONFIGURATION, root + " is not a PostgreSQL data directory (it has no"
                    + " PG_VERSION), or this user may not read it: run basebackup on the database host as a user who"
                    + " can read the data directory (the postgres user), or give it with --pgdata");
        }
        return root;
    }

    private static void refuseTablespaces(Path root) {
        Path tablespaces = root.resolve("pg_tblspc");
        if (!Files.isDirectory(tablespaces)) {
            return;
        }
        try (var entries = Files.list(tablespaces)) {
            if (entries.findAny().isPresent()) {
                throw new MooringException(ErrorCode.CONFIGURATION, "the data directory " + root + " uses tablespaces"
                        + " (pg_tblspc is not empty), which Mooring's base backups do not hold yet: use pg_basebackup or"
                        + " pgBackRest for this server");
            }
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not read " + tablespaces + ": " + e.getMessage(), e);
        }
    }

    private static String relative(Path root, Path path) {
        return root.relativize(path).toString().replace('\\', '/');
    }
}
