package dev.mooring.backup.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mooring.backup.BackupManifest;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads and writes the JSON manifest kept beside each backup as {@code <backup>.manifest.json}, in the backup's store.
 * A backup is complete only once its manifest exists, so a backup's manifest is written after the backup, and
 * writes replace a manifest whole, never in part (see {@link dev.mooring.backup.internal.store.BackupStore}); in a
 * folder, manifests are owner-only like the backups. Stateless and thread-safe.
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

    /** The name of the manifest of the backup named {@code backupName}. */
    public static String nameOf(String backupName) {
        return backupName + SUFFIX;
    }

    /** Where the manifest of {@code backupFile} lives. */
    public static Path pathOf(Path backupFile) {
        return backupFile.resolveSibling(nameOf(backupFile.getFileName().toString()));
    }

    /** Writes (or replaces) the manifest of {@code backupFile}. */
    public static void write(Path backupFile, BackupManifest manifest) {
        write(StoredBackup.of(backupFile), manifest);
    }

    /** Writes (or replaces) the manifest of {@code backup}. */
    public static void write(StoredBackup backup, BackupManifest manifest) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            backup.store().write(backup.manifestName(), out -> out.write(json));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the manifest " + manifestDescription(backup) + ": "
                    + e.getMessage(), e);
        }
    }

    /** The manifest of {@code backupFile}, empty when there is none. An unreadable manifest is an error. */
    public static Optional<BackupManifest> read(Path backupFile) {
        return read(StoredBackup.of(backupFile));
    }

    /** The manifest of {@code backup}, empty when there is none. An unreadable manifest is an error. */
    public static Optional<BackupManifest> read(StoredBackup backup) {
        if (!backup.store().exists(backup.manifestName())) {
            return Optional.empty();
        }
        try (InputStream in = backup.store().open(backup.manifestName())) {
            return Optional.of(JSON.readValue(in, BackupManifest.class));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, "The manifest " + manifestDescription(backup)
                    + " is not valid JSON: " + e.getMessage() + ". Restore the manifest from the place the backup was"
                    + " copied from, or verify the backup file alone by moving the manifest away.", e);
        }
    }

    private static String manifestDescription(StoredBackup backup) {
        return backup.description() + SUFFIX;
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
}
