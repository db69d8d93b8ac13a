package dev.mooring.backup.internal.pitr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a recovering server's log says about its recovery: where it stopped ({@code recovery stopping before commit of
 * transaction 745, time 2026-12-01 10:15:02.123+00}), the last transaction replayed, and how many WAL files it
 * restored. These lines are in English whatever {@code lc_messages} is only for the C locale; on a translated server
 * the fields are empty. Immutable.
 *
 * @param stoppingLine    the {@code recovery stopping …} line, or null
 * @param lastTransaction the commit time of the last completed transaction, or null
 * @param restoredFiles   how many {@code restored log file} lines there are
 */
public record RecoveryLog(String stoppingLine, Instant lastTransaction, int restoredFiles) {
    private static final Pattern STOPPING = Pattern.compile("(recovery stopping [^\\n]*)");
    private static final Pattern LAST = Pattern.compile("last completed transaction was at log time (\\S+ \\S+)");
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendOffset("+HH:mm", "+00").toFormatter(Locale.ROOT);

    public static RecoveryLog read(Path log) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new RecoveryLog(null, null, 0);
        }
        String stopping = null;
        Instant last = null;
        int restored = 0;
        for (String line : lines) {
            Matcher s = STOPPING.matcher(line);
            if (s.find()) {
                stopping = s.group(1);
            }
            Matcher l = LAST.matcher(line);
            if (l.find()) {
                try {
                    last = OffsetDateTime.parse(l.group(1), TIME).toInstant();
                } catch (DateTimeParseException ignored) {
                    // a format we do not know: the field stays empty
                }
            }
            if (line.contains("restored log file")) {
                restored++;
            }
        }
        return new RecoveryLog(stopping, last, restored);
    }
}
