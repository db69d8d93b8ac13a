package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.migrate.MigrationType;
import dev.mooring.migrate.MigrationVersion;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a file name and its text into a migration, a separate DOWN part, or a callback.
 *
 * <p>Accepted names: {@code <digits>_<description>.sql}; Flyway's {@code V<version>__<description>.sql},
 * {@code R__<description>.sql} and {@code U<version>__<description>.sql} (an undo script, used as the DOWN part);
 * {@code <digits>_<description>.down.sql}; and the callbacks {@code beforeMigrate.sql}, {@code afterMigrate.sql},
 * {@code beforeEachMigrate.sql}, {@code afterEachMigrate.sql}. Inside a file, a line {@code -- UP} and a line
 * {@code -- DOWN} split it into sections; leading comment lines form the header, where
 * {@code -- Description: …} and {@code -- mooring:no-transaction} are read. Stateless and thread-safe.
 */
public final class MigrationFileParser {
    private static final Pattern PLAIN = Pattern.compile("(\\d+)_(.+?)(\\.down)?\\.sql");
    private static final Pattern FLYWAY = Pattern.compile("([VU])(\\d+(?:[._]\\d+)*)__(.+)\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("R__(.+)\\.sql");
    private static final String NO_TRANSACTION = "mooring:no-transaction";
    static final String NAME_HELP = "Name migrations <digits>_<description>.sql (e.g. 20260202000001_create_users.sql), "
            + "<digits>_<description>.down.sql, V<version>__<description>.sql or R__<description>.sql.";

    /** What a file turned out to be. */
    public sealed interface Parsed permits Migration, Down, Callback {
    }

    /** A versioned or repeatable migration. */
    public record Migration(MigrationScript script) implements Parsed {
    }

    /** A DOWN part kept in its own file, to be joined with the migration of the same version. */
    public record Down(MigrationVersion version, String sql, int line, String file) implements Parsed {
    }

    /** A SQL callback file. */
    public record Callback(SqlCallbackEvent event, String sql, String file) implements Parsed {
    }

    private MigrationFileParser() {
    }

    /** Parses one {@code .sql} file; throws {@link MooringException} naming the file when it is malformed. */
    public static Parsed parse(String fileName, String location, String text) {
        SqlCallbackEvent event = SqlCallbackEvent.forFileName(fileName);
        if (event != null) {
            return new Callback(event, stripBom(text), fileName);
        }
        String body = stripBom(text);
        Matcher plain = PLAIN.matcher(fileName);
        Matcher flyway = FLYWAY.matcher(fileName);
        Matcher repeatable = REPEATABLE.matcher(fileName);
        if (plain.matches()) {
            MigrationVersion version = MigrationVersion.parse(plain.group(1));
            if (plain.group(3) != null) {
                return down(version, body, fileName, location);
            }
            return migration(version, MigrationType.VERSIONED, plain.group(2), fileName, location, body);
        }
        if (flyway.matches()) {
            MigrationVersion version = MigrationVersion.parse(flyway.group(2));
            if (flyway.group(1).equals("U")) {
                return down(version, body, fileName, location);
            }
            return migration(version, MigrationType.VERSIONED, flyway.group(3), fileName, location, body);
        }
        if (repeatable.matches()) {
            return migration(null, MigrationType.REPEATABLE, repeatable.group(1), fileName, location, body);
        }
        throw new MooringException(ErrorCode.INVALID_MIGRATION,
                "Bad migration file name '" + fileName + "' in " + location + ". " + NAME_HELP);
    }

    private static Down down(MigrationVersion version, String body, String fileName, String location) {
        Sections s = Sections.of(body, fileName, location);
        if (s.downStart >= 0) {
            throw new MooringException(ErrorCode.INVALID_MIGRATION, "'" + fileName + "' in " + location
                    + " is a DOWN file but has its own -- DOWN section. Put only the revert SQL in it.");
        }
        return new Down(version, s.up, s.upLine, fileName);
    }

    private static Migration migration(MigrationVersion version, MigrationType type, String nameDescription,
                                       String fileName, String location, String body) {
        Sections s = Sections.of(body, fileName, location);
        String description = s.description != null ? s.description : nameDescription.replace('_', ' ').strip();
        if (type == MigrationType.REPEATABLE && s.down != null) {
            throw new MooringException(ErrorCode.INVALID_MIGRATION, "Repeatable migration '" + fileName + "' in " + location
                    + " has a -- DOWN section; repeatables are re-applied, not reverted. Remove the section.");
        }
        long checksum = Checksums.of((s.transactional ? "" : NO_TRANSACTION + "\n") + s.up);
        return new Migration(new MigrationScript(version, description, type, fileName, location, s.up, s.upLine,
                s.down, s.down == null ? null : fileName, s.downLine, checksum, s.transactional));
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The header, UP and DOWN parts of a file's text. */
    private static final class Sections {
        String description;
        boolean transactional = true;
        String up;
        int upLine = 1;
        String down;
        int downLine;
        int downStart = -1;

        static Sections of(String body, String fileName, String location) {
            Sections s = new Sections();
            // One pass over the lines without regular expressions or copies: this runs for every file on every
            // command, including a no-op migrate over thousands of files.
            int upMarkerEnd = -1;
            int downMarkerStart = -1;
            int downMarkerEnd = -1;
            int upMarkerLine = 0;
            boolean inHeader = true;
            int lineNo = 0;
            int n = body.length();
            for (int lineStart = 0; lineStart <= n; ) {
                lineNo++;
                int lineEnd = lineStart;
                while (lineEnd < n && body.charAt(lineEnd) != '\n' && body.charAt(lineEnd) != '\r') {
                    lineEnd++;
                }
                int next = lineEnd + (lineEnd < n && body.charAt(lineEnd) == '\r' && lineEnd + 1 < n && body.charAt(lineEnd + 1) == '\n' ? 2 : 1);
                int first = lineStart;
                while (first < lineEnd && Character.isWhitespace(body.charAt(first))) {
                    first++;
                }
                boolean comment = first + 1 < lineEnd && body.charAt(first) == '-' && body.charAt(first + 1) == '-';
                String word = comment ? body.substring(first + 2, lineEnd).strip() : null;
                if (comment && word.equalsIgnoreCase("UP")) {
                    if (upMarkerEnd >= 0 || downMarkerStart >= 0) {
                        throw sectionError(fileName, location, lineNo, "a second or misplaced -- UP marker");
                    }
                    upMarkerEnd = Math.min(next, n);
                    upMarkerLine = lineNo;
                } else if (comment && word.equalsIgnoreCase("DOWN")) {
                    if (downMarkerStart >= 0) {
                        throw sectionError(fileName, location, lineNo, "a second -- DOWN marker");
                    }
                    downMarkerStart = lineStart;
                    downMarkerEnd = Math.min(next, n);
                    s.downLine = lineNo + 1;
                } else if (inHeader && upMarkerEnd < 0 && downMarkerStart < 0 && first < lineEnd) {
                    if (!comment) {
                        inHeader = false;
                    } else {
                        s.readHeader(word, fileName, location, lineNo);
                    }
                }
                lineStart = next;
            }
            int upFrom = upMarkerEnd >= 0 ? upMarkerEnd : 0;
            s.up = body.substring(upFrom, downMarkerStart >= 0 ? downMarkerStart : n);
            s.upLine = upMarkerLine + 1;
            if (downMarkerStart >= 0) {
                s.downStart = downMarkerStart;
                s.down = body.substring(downMarkerEnd);
                if (s.down.isBlank()) {
                    s.down = null;
                }
            }
            return s;
        }

        private void readHeader(String comment, String fileName, String location, int lineNo) {
            if (comment.regionMatches(true, 0, "description", 0, "description".length())) {
                String rest = comment.substring("description".length()).strip();
                if (rest.startsWith(":") && !rest.substring(1).isBlank()) {
                    description = rest.substring(1).strip();
                    return;
                }
            }
            if (comment.equalsIgnoreCase(NO_TRANSACTION)) {
                transactional = false;
            } else if (comment.regionMatches(true, 0, "mooring:", 0, "mooring:".length())) {
                throw sectionError(fileName, location, lineNo, "an unknown directive '" + comment
                        + "' (the only directive is -- " + NO_TRANSACTION + ")");
            }
        }

        private static MooringException sectionError(String fileName, String location, int line, String what) {
            return new MooringException(ErrorCode.INVALID_MIGRATION, "'" + fileName + "' in " + location + " line " + line
                    + " has " + what + ". A file has at most one -- UP line followed by at most one -- DOWN line.");
        }
    }
}
