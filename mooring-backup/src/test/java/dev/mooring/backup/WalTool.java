package dev.mooring.backup;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code wal push %p --dir DIR} and {@code wal fetch %f %p --dir DIR} for an embedded server's archive_command and
 * restore_command in library tests, where there is no CLI: the same exit codes as the CLI's (0, 1 for a file not in
 * the archive, 128 for failures).
 */
public final class WalTool {
    private WalTool() {
    }

    public static void main(String[] args) {
        try {
            BackupConfig config = BackupConfig.defaults().withDir(Path.of(args[args.length - 1]))
                    .withEnvironment(Map.copyOf(System.getenv()));
            try (WalArchive archive = WalArchive.open(config)) {
                if (args[1].equals("push")) {
                    archive.push(Path.of(args[2]));
                    System.exit(0);
                }
                System.exit(archive.fetch(args[2], Path.of(args[3])).found() ? 0 : 1);
            }
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(args[1].equals("push") ? 12 : 128);
        }
    }
}
