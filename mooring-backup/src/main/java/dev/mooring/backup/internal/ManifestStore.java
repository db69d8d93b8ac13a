package dev.mooring.backup.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mooring.backup.BackupManifest;
import dev.mooring.backup.internal.file.PrivateFiles;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads and writes the JSON manifest kept beside each backup file as {@code <file>.manifest.json}. Writes are
 * atomic (a temporary file renamed over the old one) and owner-only. Stateless and thread-safe.
 */
public final class ManifestStore {
    /** The suffix added to a backup file's name to name its manifest. */
    public static final String SUFFIX = ".manifest.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private ManifestStore() {
    }

    /** Where the manifest of {@code backupFile} lives. */
    public static Path pathOf(Path backupFile) {
        return backupFile.resolveSibling(backupFile.getFileName() + SUFFIX);
    }

    /** Writes (or replaces) the manifest of {@code backupFile}. */
    public static void write(Path backupFile, BackupManifest manifest) {
        Path target = pathOf(backupFile);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            PrivateFiles.write(temp, JSON.writeValueAsBytes(manifest));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the manifest " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** The manifest of {@code backupFile}, empty when there is none. An unreadable manifest is an error. */
    public static Optional<BackupManifest> read(Path backupFile) {
        Path path = pathOf(backupFile);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(path.toFile(), BackupManifest.class));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, "The manifest " + path + " is not valid JSON: "
                    + e.getMessage() + ". Restore the manifest from the place the backup was copied from, or verify the"
                    + " backup file alone by moving the manifest away.", e);
        }
    }

    /** The manifest as JSON text, as the CLI prints it. */
    public static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This Mooring's version, as recorded in manifests. */
    public static String mooringVersion() {
        try (InputStream in = ManifestStore.class.getResourceAsStream("/dev/mooring/backup/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a stray temporary file is harmless and named after the manifest
        }
    }
}
