package dev.mooring.backup.internal;

import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.backup.internal.file.BackupFileReader;
import dev.mooring.backup.internal.file.FileDigest;
import dev.mooring.backup.internal.file.Passphrase;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Finding, checking and opening backup files, shared by restore and verify. Stateless. */
public final class BackupFiles {
    private BackupFiles() {
    }

    /** The newest backup in {@code dir} (by the timestamp in its name), for {@code restore} without a file. */
    public static Path latest(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "The backup folder " + dir
                    + " does not exist: name a backup file, or point --dir at the folder backups were written to.");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(BackupNames::isBackup)
                    .max(Comparator.comparing(f -> BackupNames.takenAt(f).orElseThrow()))
                    .orElseThrow(() -> new MooringException(ErrorCode.CONFIGURATION, "There is no backup in " + dir
                            + ": name a backup file, or point --dir at the folder backups were written to."));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The dialect a backup is for: its manifest's, else its name's ({@code .sqlite} or {@code .sql}). */
    public static String dialect(Path file, Optional<BackupManifest> manifest) {
        if (manifest.isPresent()) {
            return manifest.get().dialect();
        }
        return file.getFileName().toString().contains(".sqlite") ? "sqlite" : "postgresql";
    }

    /** Fails with {@link ErrorCode#BACKUP_CORRUPT} unless the file's SHA-256 matches its manifest. */
    public static void checkSha256(Path file, BackupManifest manifest) {
        if (!Files.isRegularFile(file)) {
            throw new MooringException(ErrorCode.CONFIGURATION, "There is no backup file " + file + ".");
        }
        String actual = FileDigest.sha256(file);
        if (!actual.equals(manifest.sha256())) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, file + " does not match its manifest: SHA-256 is "
                    + actual + ", the manifest says " + manifest.sha256()
                    + ". The file was modified, truncated or damaged; use another backup.");
        }
    }

    /** Opens the plain content (decrypted, decompressed). The passphrase is only asked for when the file is encrypted. */
    public static InputStream open(Path file, Map<String, String> environment) {
        Supplier<char[]> passphrase = () -> Passphrase.fromEnvironment(environment);
        return BackupFileReader.open(file, passphrase);
    }

    /** Writes the plain content of {@code file} to a new owner-only temporary file in {@code dir}. */
    public static Path decodeToTemp(Path file, Map<String, String> environment, Path dir) {
        try {
            Path temp = PrivateFiles.createTemp(dir, ".mooring-restore-", ".tmp");
            // Written into the owner-only file as created; Files.copy(..., REPLACE_EXISTING) would recreate it.
            try (InputStream in = open(file, environment);
                 java.io.OutputStream out = Files.newOutputStream(temp, java.nio.file.StandardOpenOption.WRITE)) {
                in.transferTo(out);
                return temp;
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(temp);
                throw e;
            }
        } catch (IOException e) {
            // the backup's read errors arrive as MooringExceptions: this is the temporary file's (a full disk, say)
            throw new MooringException(ErrorCode.IO, "Could not write a temporary copy of " + file + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }
}
