package dev.mooring.backup.internal;

import dev.mooring.backup.Compression;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Backup file names: {@code <database>_<UTC timestamp>.<sql|sqlite>[.gz|.zst][.enc]}, for example
 * {@code app_2026-11-21T12-34-56-789Z.sql.zst}. The timestamp sorts as text and has no characters that
 * file systems or shells treat specially. Stateless.
 */
public final class BackupNames {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss-SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile(
            "(?<db>.+)_(?<stamp>\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z)\\.(?<kind>sql|sqlite)(?:\\.gz|\\.zst)?(?:\\.enc)?");

    private BackupNames() {
    }

    /** The file name for a backup of {@code database} taken at {@code at}. */
    public static String fileName(String database, Instant at, String dialect, Compression compression, boolean encrypted) {
        String kind = "sqlite".equals(dialect) ? "sqlite" : "sql";
        return safe(database) + "_" + STAMP.format(at) + "." + kind + compression.extension() + (encrypted ? ".enc" : "");
    }

    /** Whether {@code name} is a Mooring backup's name. */
    public static boolean isBackup(String name) {
        return NAME.matcher(name).matches();
    }

    /** When the backup named {@code name} was taken, if it is named like one. */
    public static Optional<Instant> takenAt(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.from(STAMP.parse(m.group("stamp"))));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The database part of a backup's name. */
    public static Optional<String> database(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() ? Optional.of(m.group("db")) : Optional.empty();
    }

    /** The database part of the names of {@code database}'s backups. */
    public static String databasePart(String database) {
        return safe(database);
    }

    // Database names may hold anything PostgreSQL allows; keep the file name portable.
    private static String safe(String database) {
        String s = database.replaceAll("[^A-Za-z0-9._-]", "-");
        return s.isEmpty() ? "database" : s;
    }
}
