package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.BackupLocation;
import dev.mooring.backup.RecoveryTarget;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Configures a laid-down data directory to recover: {@code recovery.signal}, and in {@code postgresql.auto.conf}
 * (which the server reads last, so these win) {@code restore_command}, the {@code recovery_target_*} settings,
 * {@code recovery_target_action = 'promote'} and {@code recovery_target_timeline = 'latest'}. Stateless.
 */
public final class RecoverySettings {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@+=:,./-]+");

    private RecoverySettings() {
    }

    /** Writes the settings into {@code pgdata}. */
    public static void write(Path pgdata, String restoreCommand, RecoveryTarget target) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("# point-in-time recovery, written by mooring restore --pitr");
        lines.add("restore_command = " + literal(restoreCommand));
        if (target instanceof RecoveryTarget.Time time) {
            lines.add("recovery_target_time = " + literal(RecoveryTarget.Times.FORMAT.format(time.at())));
        } else if (target instanceof RecoveryTarget.Position position) {
            lines.add("recovery_target_lsn = " + literal(position.lsn()));
        }
        if (!(target instanceof RecoveryTarget.Latest)) {
            lines.add("recovery_target_action = 'promote'");
        }
        lines.add("recovery_target_timeline = 'latest'");
        Path auto = pgdata.resolve("postgresql.auto.conf");
        Files.write(auto, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.write(pgdata.resolve("recovery.signal"), new byte[0]);
    }

    /**
     * The shell command that runs {@code wal fetch %f %p} for the archive under {@code location}: every word of
     * {@code mooring} and the location quoted for a POSIX shell, and {@code %} doubled where PostgreSQL must not
     * substitute it.
     */
    public static String restoreCommand(List<String> mooring, BackupLocation location) {
        List<String> words = new ArrayList<>(mooring);
        words.addAll(List.of("wal", "fetch"));
        StringBuilder line = new StringBuilder();
        for (String word : words) {
            line.append(shellWord(word)).append(' ');
        }
        line.append("%f %p");
        for (String word : locationWords(location)) {
            line.append(' ').append(shellWord(word));
        }
        return line.toString();
    }

    /**
     * The shell command that runs {@code wal push %p} into the archive under {@code location}, with {@code options}
     * (such as {@code --compress zstd}, {@code --encrypt}) after it, quoted as {@link #restoreCommand} is.
     */
    public static String pushCommand(List<String> mooring, BackupLocation location, List<String> options) {
        StringBuilder line = new StringBuilder();
        for (String word : mooring) {
            line.append(shellWord(word)).append(' ');
        }
        line.append("wal push %p");
        for (String word : locationWords(location)) {
            line.append(' ').append(shellWord(word));
        }
        for (String word : options) {
            line.append(' ').append(shellWord(word));
        }
        return line.toString();
    }

    /** A word for a shell in a command PostgreSQL runs: quoted when needed, {@code %} doubled. */
    public static String commandWord(String word) {
        return shellWord(word);
    }

    private static List<String> locationWords(BackupLocation location) {
        List<String> words = new ArrayList<>();
        words.add("--dir");
        if (location instanceof BackupLocation.S3 s3) {
            words.add(s3.url());
            s3.options().endpoint().ifPresent(e -> words.addAll(List.of("--s3-endpoint", e.toString())));
            if (s3.options().pathStyle()) {
                words.add("--s3-path-style");
            }
            s3.options().region().ifPresent(r -> words.addAll(List.of("--s3-region", r)));
        } else {
            words.add(((BackupLocation.Folder) location).dir().toAbsolutePath().normalize().toString());
        }
        return words;
    }

    private static String shellWord(String word) {
        String quoted = !word.isEmpty() && PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
        return quoted.replace("%", "%%");
    }

    /** A PostgreSQL configuration string literal. */
    static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
