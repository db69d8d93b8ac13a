package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.StatementText;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link ErrorCode#RESTORE_FAILED} exceptions of {@link PsqlScriptRunner}. Every message starts with the
 * script line it is about ({@code line 42: …}), so a user can open the dump at the right place; statements are
 * quoted by their first {@value #HEAD_LENGTH} characters on one line, since a dumped function body or a huge
 * {@code INSERT} would drown the server's message.
 *
 * <p>Thread-safe: stateless.
 */
final class ScriptFailure {
    static final int HEAD_LENGTH = StatementText.HEAD_LENGTH;
    private static final String CORRUPT = "the script is truncated or corrupt";

    // duplicate_database, _schema, _table, _object, _function, _column, and unique_violation (rows already there):
    // SQLSTATEs rather than message text, because servers with lc_messages set translate the text.
    private static final Set<String> ALREADY_EXISTS = Set.of("42P04", "42P06", "42P07", "42710", "42723", "42701", "23505");

    // Where: "COPY t, line 3, column b: "x"". The server counts data lines from 1.
    private static final Pattern COPY_LINE = Pattern.compile(", line (\\d+)\\b");

    private ScriptFailure() {
    }

    /** A statement the server rejected. */
    static MooringException statement(long line, String sql, SQLException e, boolean clean) {
        return statement(line, sql, e, clean, "");
    }

    /** A statement the server rejected, with {@code hint} (may be empty) after the server's words. */
    static MooringException statement(long line, String sql, SQLException e, boolean clean, String hint) {
        if (ALREADY_EXISTS.contains(e.getSQLState())) {
            hint = clean
                    ? " — the target database is not empty, and the script's clean section did not remove this"
                    : " — the target database is not empty: restore into an empty database, or use --clean to drop"
                    + " the script's objects first";
        }
        return new MooringException(ErrorCode.RESTORE_FAILED,
                "line " + line + ": " + head(sql) + ": " + serverMessage(e) + hint, e);
    }

    /** {@code COPY} data the server rejected; the line is the server's data line, counted into the script. */
    static MooringException copyData(long firstDataLine, String target, SQLException e, boolean clean) {
        long line = firstDataLine;
        ServerErrorMessage server = e instanceof PSQLException ? ((PSQLException) e).getServerErrorMessage() : null;
        if (server != null && server.getWhere() != null) {
            Matcher m = COPY_LINE.matcher(server.getWhere());
            if (m.find()) {
                line = firstDataLine + Long.parseLong(m.group(1)) - 1;
            }
        }
        return statement(line, "COPY data for " + target, e, clean);
    }

    /** The script stops inside a {@code COPY} block. */
    static MooringException truncatedCopy(long line, String target, long copyLine) {
        return corrupt(line, "the script ends inside the COPY data for " + target + " begun on line " + copyLine
                + ", before its \\. line", null);
    }

    /** The script ends while a statement, quote, comment or dollar quote is still open. */
    static MooringException truncatedStatement(long line, String pendingSql) {
        return corrupt(line, "the statement starting here never ends (" + head(pendingSql) + ")", null);
    }

    /** A problem with the script's text itself, not with the server: bytes, structure, markers. */
    static MooringException corrupt(long line, String what, Throwable cause) {
        return new MooringException(ErrorCode.RESTORE_FAILED, "line " + line + ": " + what + ": " + CORRUPT, cause);
    }

    /** A script this runner refuses to run, though it may be intact. */
    static MooringException refused(long line, String why) {
        return new MooringException(ErrorCode.RESTORE_FAILED, "line " + line + ": " + why);
    }

    /**
     * A statement, marker or meta-command Mooring's dump engine does not write there, in a backup that claims to be
     * Mooring's: {@link ErrorCode#BACKUP_CORRUPT}, naming the line and the statement (shortened, control characters
     * escaped) and saying why. {@code beforeRun}: found by the check before anything ran; otherwise in the run, which
     * the caller rolls back.
     */
    static MooringException notOwn(long line, String sql, String why, boolean beforeRun) {
        return new MooringException(ErrorCode.BACKUP_CORRUPT, "line " + line + ": " + StatementText.quoted(sql)
                + " is not a statement Mooring's dump engine writes (" + why + "): the backup was altered, or was not"
                + " written by Mooring. " + (beforeRun ? "Nothing was run" : "The restore was rolled back")
                + "; the target is unchanged. Use another backup; if this file was written by pg_dump and you trust its"
                + " content, restore it with --trust-foreign-file.");
    }

    /** The server's own words, on one line: severity, message and any detail, without its statement position. */
    static String serverMessage(SQLException e) {
        ServerErrorMessage server = e instanceof PSQLException ? ((PSQLException) e).getServerErrorMessage() : null;
        if (server == null || server.getMessage() == null) {
            return oneLine(String.valueOf(e.getMessage()));
        }
        String severity = server.getSeverity() == null ? "ERROR" : server.getSeverity();
        String detail = server.getDetail() == null ? "" : " (" + oneLine(server.getDetail()) + ")";
        return severity + ": " + oneLine(server.getMessage()) + detail;
    }

    /** The first {@value #HEAD_LENGTH} characters of {@code sql}, white space runs (line breaks too) made one space. */
    static String head(String sql) {
        return StatementText.head(sql);
    }

    private static String oneLine(String text) {
        return StatementText.oneLine(text);
    }
}
