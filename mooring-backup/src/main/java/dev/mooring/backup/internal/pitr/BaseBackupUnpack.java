package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.BaseBackupManifest;
import dev.mooring.backup.internal.file.BackupFileReader;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Lays a base backup's archive down into an empty data directory: folders owner-only (0700, as PostgreSQL demands),
 * files 0600. The archive's SHA-256 is checked against the manifest once it is read to the end; a mismatch fails
 * the restore, which leaves the directory for the caller to remove. Stateless.
 */
public final class BaseBackupUnpack {
    private BaseBackupUnpack() {
    }

    /** Unpacks {@code manifest}'s archive from {@code store} into {@code pgdata}; returns the files written. */
    public static long unpack(BackupStore store, BaseBackupManifest manifest, Path pgdata, Supplier<char[]> passphrase) {
        String where = store.describe(manifest.file());
        MessageDigest digest = sha256();
        long files = 0;
        try (InputStream stored = new DigestInputStream(store.open(manifest.file()), digest);
             InputStream content = BackupFileReader.open(stored, where, passphrase)) {
            ownerOnlyDirectory(pgdata);
            TarReader tar = new TarReader(content, where);
            for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
                Path target = pgdata.resolve(entry.path()).normalize();
                if (!target.startsWith(pgdata)) {
                    throw new MooringException(ErrorCode.BACKUP_CORRUPT, where + " holds the unsafe path " + entry.path());
                }
                if (entry.directory()) {
                    ownerOnlyDirectory(target);
                    continue;
                }
                ownerOnlyDirectory(target.getParent());
                try (var out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    entry.content().transferTo(out);
                }
                setPermissions(target, "rw-------");
                files++;
            }
            content.transferTo(java.io.OutputStream.nullOutputStream());
            stored.transferTo(java.io.OutputStream.nullOutputStream()); // whatever the decompressor left, for the digest
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not restore " + where + " into " + pgdata + ": "
                    + e.getMessage(), e);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (manifest.sha256() != null && !manifest.sha256().equals(actual)) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, where + " does not match its manifest (sha256 " + actual
                    + ", manifest " + manifest.sha256() + "): it was damaged or replaced");
        }
        return files;
    }

    private static void ownerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        setPermissions(dir, "rwx------");
    }

    private static void setPermissions(Path path, String permissions) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
