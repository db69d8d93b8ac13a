package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import dev.mooring.backup.BackupLocation;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * Where the {@code wal} commands find the WAL archive: the backup location given with {@code --dir}, whose
 * {@code wal} sub-folder (or sub-prefix) holds it. {@code --dir} is required: PostgreSQL runs these commands in its
 * data directory, where a default relative folder would land.
 */
public final class WalArchiveOptions {
    @Option(names = "--dir", required = true, paramLabel = "DIR|s3://BUCKET/PREFIX",
            description = "The backup location: a folder (absolute, since PostgreSQL runs this in its data directory)"
                    + " or a bucket and prefix in S3. WAL is kept in its wal sub-folder or sub-prefix. "
                    + StoreOptions.CREDENTIALS)
    String dir;

    @Mixin
    StoreOptions store;

    BackupLocation location() {
        return store.location(dir, List.of(dir));
    }

    BackupConfig config() {
        return BackupConfig.defaults().withLocation(location());
    }
}
