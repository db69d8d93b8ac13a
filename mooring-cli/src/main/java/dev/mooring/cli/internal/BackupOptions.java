package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupLocation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/** The options the backup commands share: where backups are. */
public final class BackupOptions {
    @Option(names = "--dir", paramLabel = "DIR|s3://BUCKET/PREFIX", defaultValue = "dumps",
            description = "Where backups are written to and looked for in: a folder, or a bucket and prefix in S3 or an"
                    + " S3-compatible store. " + StoreOptions.CREDENTIALS + " Default: ${DEFAULT-VALUE}.")
    String dir;

    @Mixin
    StoreOptions store;

    BackupLocation location() {
        return store.location(dir, List.of(dir));
    }

    BackupConfig config(String historyTable) {
        return BackupConfig.defaults().withLocation(location()).withHistoryTable(historyTable);
    }
}
