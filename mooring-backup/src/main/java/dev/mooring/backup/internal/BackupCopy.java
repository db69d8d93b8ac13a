package dev.mooring.backup.internal;

import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;

/**
 * Copies a complete backup to another store: the backup's bytes stream from one store into the other (no local copy
 * for a remote store, bounded memory), then its manifest, so that the copy becomes complete last, as the original
 * did. Stateless.
 */
public final class BackupCopy {
    private BackupCopy() {
    }

    /**
     * Copies {@code backup} and its manifest into {@code target} under the same names.
     *
     * @throws MooringException {@code CONFIGURATION} when {@code backup} has no manifest; {@code IO} when the backup
     *                          is already in {@code target} or a store fails, leaving no complete copy
     */
    public static void copy(StoredBackup backup, BackupStore target) {
        BackupStore source = backup.store();
        if (!source.exists(backup.manifestName())) {
            throw new MooringException(ErrorCode.CONFIGURATION, backup.description() + " has no manifest: only a complete"
                    + " backup is copied.");
        }
        if (target.exists(backup.name()) || target.exists(backup.manifestName())) {
            throw new MooringException(ErrorCode.IO, "refusing to overwrite " + target.describe(backup.name())
                    + ": it already exists");
        }
        transfer(source, backup.name(), target);
        transfer(source, backup.manifestName(), target);
    }

    private static void transfer(BackupStore source, String name, BackupStore target) {
        try {
            target.write(name, out -> {
                try (InputStream in = source.open(name)) {
                    in.transferTo(out);
                }
            });
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not copy " + source.describe(name) + " to "
                    + target.describe(name) + ": " + e.getMessage(), e);
        }
    }
}
