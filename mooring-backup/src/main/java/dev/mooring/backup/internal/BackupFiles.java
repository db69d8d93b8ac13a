package dev.mooring.backup.internal;

import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.backup.internal.file.BackupFileReader;
import dev.mooring.backup.internal.file.FileDigest;
import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.StoredObject;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Finding, checking and opening backups in a store, shared by restore, verify and retention. Stateless. */
public final class BackupFiles {
    private BackupFiles() {
    }

    /**
     * A backup in a store's listing.
     *
     * @param complete whether its manifest is there too: only then is it a backup that restore may pick, since the
     *                 manifest is written last
     */
    public record Listed(StoredBackup backup, Instant takenAt, boolean complete) {
    }

    /** The objects in {@code store} named like backups, newest first, from one listing. */
    public static List<Listed> list(BackupStore store) {
        List<StoredObject> objects = store.list();
        Set<String> names = objects.stream().map(StoredObject::name).collect(Collectors.toSet());
        return objects.stream().map(StoredObject::name).filter(BackupNames::isBackup)
                .map(name -> new Listed(StoredBackup.in(store, name), BackupNames.takenAt(name).orElseThrow(),
                        names.contains(ManifestStore.nameOf(name))))
                .sorted(Comparator.comparing(Listed::takenAt).reversed())
                .toList();
    }

    /**
     * The newest complete backup in {@code store} (by the timestamp in its name), for {@code restore} without a
     * file. A backup whose manifest is missing (an interrupted one) is never picked.
     */
    public static StoredBackup latest(BackupStore store) {
        return list(store).stream().filter(Listed::complete).findFirst().map(Listed::backup)
                .orElseThrow(() -> new MooringException(ErrorCode.CONFIGURATION, "There is no complete backup (one with"
                        + " its manifest) in " + store.describe() + ": name a backup file, or point --dir at the place"
                        + " backups were written to."));
    }

    /** The dialect a backup is for: its manifest's, else its name's ({@code .sqlite} or {@code .sql}). */
    public static String dialect(StoredBackup backup, Optional<BackupManifest> manifest) {
        if (manifest.isPresent()) {
            return manifest.get().dialect();
        }
        return backup.name().contains(".sqlite") ? "sqlite" : "postgresql";
    }

    /** Fails with {@link ErrorCode#BACKUP_CORRUPT} unless the backup's SHA-256 matches its manifest. */
    public static void checkSha256(StoredBackup backup, BackupManifest manifest) {
        if (!backup.exists()) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no backup file " + backup.description() + ".");
        }
        String actual;
        try (InputStream in = backup.openStored()) {
            actual = FileDigest.sha256(in, backup.description());
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read " + backup.description() + ": " + e.getMessage(), e);
        }
        if (!actual.equals(manifest.sha256())) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, backup.description() + " does not match its manifest:"
                    + " SHA-256 is " + actual + ", the manifest says " + manifest.sha256()
                    + ". The file was modified, truncated or damaged; use another backup.");
        }
    }

    /**
     * Opens the plain content (decrypted, decompressed), streamed from the store. The passphrase is only asked for
     * when the backup is encrypted.
     */
    public static InputStream open(StoredBackup backup, Map<String, String> environment) {
        Supplier<char[]> passphrase = () -> Passphrase.fromEnvironment(environment);
        return BackupFileReader.open(backup.openStored(), backup.description(), passphrase);
    }

    /** Writes the plain content of {@code backup} to a new owner-only temporary file in {@code dir}. */
    public static Path decodeToTemp(StoredBackup backup, Map<String, String> environment, Path dir) {
        try {
            Path temp = PrivateFiles.createTemp(dir, ".mooring-restore-", ".tmp");
            // Written into the owner-only file as created; Files.copy(..., REPLACE_EXISTING) would recreate it.
            try (InputStream in = open(backup, environment);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
                in.transferTo(out);
                return temp;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        } catch (IOException e) {
            // the backup's read errors arrive as MooringExceptions: this is the temporary file's (a full disk, say)
            throw new MooringException(ErrorCode.IO, "Could not write a temporary copy of " + backup.description()
                    + " in " + dir + ": " + e.getMessage(), e);
        }
    }
}
