package dev.mooring.backup.internal.pitr;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.mooring.backup.BaseBackupManifest;
import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.StoredObject;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads and writes base backup manifests ({@code <name>.json}) in the base backups' store, and lists the complete
 * base backups: those whose manifest exists. Stateless; thread-safe.
 */
public final class BaseManifests {
    static final String SUFFIX = ".json";
    static final String PREFIX = "base-";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private BaseManifests() {
    }

    /** Writes {@code manifest}, which publishes its base backup. */
    public static void write(BackupStore store, BaseBackupManifest manifest) {
        String name = manifest.name() + SUFFIX;
        try {
            byte[] json = JSON.writeValueAsBytes(manifest);
            store.write(name, out -> out.write(json));
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not write " + store.describe(name) + ": " + e.getMessage(), e);
        }
    }

    /** Every complete base backup in {@code store}, oldest first (by stop time). */
    public static List<BaseBackupManifest> list(BackupStore store) {
        if (store.localFolder().isPresent() && !Files.isDirectory(store.localFolder().get())) {
            return List.of();
        }
        List<BaseBackupManifest> manifests = new ArrayList<>();
        for (StoredObject object : store.list()) {
            String n = object.name();
            if (n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
                manifests.add(read(store, n));
            }
        }
        manifests.sort(Comparator.comparing(BaseBackupManifest::stoppedAt));
        return manifests;
    }

    private static BaseBackupManifest read(BackupStore store, String name) {
        try (InputStream in = store.open(name)) {
            return JSON.readValue(in, BaseBackupManifest.class);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.BACKUP_CORRUPT, "the base backup manifest " + store.describe(name)
                    + " is not readable: " + e.getMessage(), e);
        }
    }

}
