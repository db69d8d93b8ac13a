package dev.mooring.cli.internal;

import dev.mooring.backup.BackupConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options the backup commands share. */
public final class BackupOptions {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "dumps",
            description = "The folder backups are written to and looked for in. Default: ${DEFAULT-VALUE}.")
    Path dir;

    BackupConfig config(String historyTable) {
        return BackupConfig.defaults().withDir(dir).withHistoryTable(historyTable);
    }
}
