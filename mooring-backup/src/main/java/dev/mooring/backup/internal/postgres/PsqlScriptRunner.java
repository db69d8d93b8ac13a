package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.sql.SqlSplitter;
import dev.mooring.core.sql.SqlStatement;
import dev.mooring.core.sql.SqlSyntax;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Restores a plain SQL script into PostgreSQL over JDBC, as {@code psql -1 -v ON_ERROR_STOP=1 -f script} would:
 * statements run in order in the caller's transaction, the first failure stops the run, and {@code COPY … FROM
 * stdin} blocks stream their data to the server. Reads Mooring's own dumps and pg_dump's plain format (15–18).
 *
 * <p>Contract:
 * <ul>
 *   <li>The caller turns autocommit off and commits or rolls back; the runner never does either, so a failed run
 *       leaves nothing behind once the caller rolls back. The script's {@code SET} statements change the session:
 *       give the runner a connection of its own.</li>
 *   <li>The script is streamed: one statement, or one buffer of {@code COPY} data, is in memory at a time.
 *       Statements are split by the core lexer ({@link SqlSplitter}), so dollar quotes, {@code E''} strings,
 *       quoted names and nested comments hold semicolons safely. SQL is strict UTF-8; data bytes go to the
 *       server undecoded, in the session's client encoding (pg_dump and Mooring both write UTF-8).</li>
 *   <li>Lines between {@code -- mooring:clean-begin} and {@code -- mooring:clean-end} run only when
 *       {@code clean} is true. Of psql's meta-commands, <code>\restrict</code> and <code>&#92;unrestrict</code> are skipped;
 *       {@code \connect} and every other one is refused, as is {@code \.} outside a data block. Markers and
 *       meta-commands count only where a statement may start.</li>
 *   <li>Every failure is a {@link MooringException} with {@link ErrorCode#RESTORE_FAILED} whose message starts
 *       with the script line; a script cut short says it is truncated or corrupt. An unreadable stream is
 *       {@link ErrorCode#IO}.</li>
 * </ul>
 *
 * <p>Limits: the script must be UTF-8 (pg_dump {@code -E UTF8}; pgjdbc refuses any other {@code client_encoding}).
 * {@code COPY} data must be in text format, one row per line, as both dump writers produce it: CSV values spanning
 * lines would be counted as several lines in progress reports (the result's counts come from the server). A
 * multi-line statement is re-lexed from its start at each of its lines holding a semicolon, which is cheap for
 * ordinary statements but grows quadratically with a function body of many thousand lines. Memory is bounded by the
 * longest statement and the longest line, not by the script.
 *
 * <p>A {@link StatementFilter} may look at every statement, marker and meta-command before it is acted on, to refuse
 * it (by throwing) or skip it; {@link StatementFilter#NONE} lets everything through, as psql would.
 *
 * <p>Not thread-safe, like the connection it uses: one run per connection at a time. The static entry points
 * share nothing, so separate runs on separate connections may proceed in parallel.
 */
public final class PsqlScriptRunner {
    /**
     * Decides what a run may do, before it does it. Called on the running thread, in script order; every method may
     * throw a {@link MooringException} to stop the run there.
     */
    public interface StatementFilter {
        /** Lets everything through. */
        StatementFilter NONE = new StatementFilter() {
            @Override
            public void marker(String marker, long line) {
            }

            @Override
            public void metaCommand(String command, long line) {
            }

            @Override
            public boolean admit(String sql, long line) {
                return true;
            }
        };

        /** A marker line: the clean section's begin or end, or a completion marker. */
        void marker(String marker, long line);

        /** A psql meta-command line, before the runner's own handling (which skips \restrict and refuses the rest). */
        void metaCommand(String command, long line);

        /** Whether to run {@code sql}, which starts on {@code line} ({@code false}: skip it). */
        boolean admit(String sql, long line);
    }

    /**
     * How admitted statements and COPY data reach the server: {@link #DIRECT}ly, as psql sends them, or by another
     * way that keeps the script's code from running with the session's rights ({@link ConfinedRun}). Called on the
     * running thread, in script order.
     */
    public interface Execution {
        /** Sends each statement as it is. */
        Execution DIRECT = new Execution() {
            @Override
            public void execute(Statement statement, String sql) throws SQLException {
                statement.execute(sql);
            }

            @Override
            public String copyStatement(Connection conn, String sql, String target) {
                return sql;
            }

            @Override
            public long copied(Connection conn, String target, long rows) {
                return rows;
            }
        };

        /** Runs {@code sql}, any statement but a {@code COPY … FROM stdin}, on {@code statement}'s connection. */
        void execute(Statement statement, String sql) throws SQLException;

        /** The {@code COPY … FROM stdin} to send for the script's {@code sql}, which fills {@code target}. */
        String copyStatement(Connection conn, String sql, String target) throws SQLException;

        /** Called once that COPY took its {@code rows}; returns the rows {@code target} got. */
        long copied(Connection conn, String target, long rows) throws SQLException;

        /** Words to add to the message of a statement the server refused with {@code e}; empty by default. */
        default String failureHint(SQLException e) {
            return "";
        }
    }

    static final String CLEAN_BEGIN = "-- mooring:clean-begin";
    static final String CLEAN_END = "-- mooring:clean-end";
    static final String MOORING_COMPLETE = "-- mooring:dump-complete";
    static final String PG_DUMP_COMPLETE = "-- PostgreSQL database dump complete";
    private static final int PENDING_KEEP = 1 << 20;

    private final Connection conn;
    private final ScriptLineReader reader;
    private final boolean clean;
    private final ScriptProgress progress;
    private final StatementFilter filter;
    private final Execution execution;
    private final StringBuilder pending = new StringBuilder();
    private final Map<String, Long> rowsByTable = new LinkedHashMap<>();
    private long pendingLine;
    private long statements;
    private long rows;
    private boolean complete;
    private Statement statement;
    private CopyManager copyManager;

    private PsqlScriptRunner(Connection conn, InputStream script, boolean clean, ScriptProgress progress,
            StatementFilter filter, Execution execution) {
        this.conn = conn;
        this.reader = new ScriptLineReader(script, ScriptLineReader.DEFAULT_BUFFER);
        this.clean = clean;
        this.progress = progress;
        this.filter = filter;
        this.execution = execution;
    }

    /**
     * Runs {@code script} on {@code conn}. The caller has set autocommit off and commits or rolls back; the runner
     * never commits. Does not close the stream.
     *
     * @param clean whether to run the script's clean section (drops of the objects it creates)
     * @throws IllegalStateException if {@code conn} is in autocommit mode
     */
    public static ScriptResult run(Connection conn, InputStream script, boolean clean) {
        return run(conn, script, clean, ScriptProgress.NONE);
    }

    /** As {@link #run(Connection, InputStream, boolean)}, telling {@code progress} how far the run has come. */
    public static ScriptResult run(Connection conn, InputStream script, boolean clean, ScriptProgress progress) {
        return run(conn, script, clean, progress, StatementFilter.NONE);
    }

    /** As {@link #run(Connection, InputStream, boolean, ScriptProgress)}, asking {@code filter} before each step. */
    public static ScriptResult run(Connection conn, InputStream script, boolean clean, ScriptProgress progress,
            StatementFilter filter) {
        return run(conn, script, clean, progress, filter, Execution.DIRECT);
    }

    /** As {@link #run(Connection, InputStream, boolean, ScriptProgress, StatementFilter)}, sending through {@code execution}. */
    public static ScriptResult run(Connection conn, InputStream script, boolean clean, ScriptProgress progress,
            StatementFilter filter, Execution execution) {
        Objects.requireNonNull(conn, "conn");
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(execution, "execution");
        requireManualCommit(conn);
        return new PsqlScriptRunner(conn, script, clean, progress, filter, execution).runToEnd();
    }

    /**
     * Reads {@code script} to its end as {@link #run} would, without a database: statements are split and counted,
     * COPY data rows are counted per target, and the completion marker is looked for. This is how {@code verify}
     * checks a dump's structure; a truncated or malformed script fails the same way it would in a restore.
     */
    public static ScriptResult scan(InputStream script) {
        return scan(script, StatementFilter.NONE);
    }

    /**
     * As {@link #scan(InputStream)}, showing {@code filter} every statement, marker and meta-command a run would meet,
     * those of the clean section included, so that a run after a successful scan meets nothing the filter refuses.
     */
    public static ScriptResult scan(InputStream script, StatementFilter filter) {
        Objects.requireNonNull(script, "script");
        Objects.requireNonNull(filter, "filter");
        return new PsqlScriptRunner(null, script, filter != StatementFilter.NONE, ScriptProgress.NONE, filter,
                Execution.DIRECT).runToEnd();
    }

    private ScriptResult runToEnd() {
        try {
            return runAll();
        } catch (CharacterCodingException e) {
            throw ScriptFailure.corrupt(reader.line(), "the line is not valid UTF-8", e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not read the script after line " + reader.line()
                    + ": " + e.getMessage(), e);
        } finally {
            closeStatement();
        }
    }

    private static void requireManualCommit(Connection conn) {
        try {
            if (conn.getAutoCommit()) {
                throw new IllegalStateException("conn is in autocommit mode; turn it off: the caller commits or rolls"
                        + " back the whole script");
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "Could not use the connection: "
                    + ScriptFailure.serverMessage(e), e);
        }
    }

    private ScriptResult runAll() throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            if (pending.length() == 0 && tookStatementStart(line)) {
                continue;
            }
            if (pending.length() == 0) {
                pendingLine = reader.line();
            }
            pending.append(line).append('\n');
            // Only a semicolon can end a statement, and only a closing "*/" can end a run of comments that must not
            // hide the markers and meta-commands after it; re-lexing on every other line would be wasted work.
            boolean mayEnd = line.indexOf(';') >= 0 || line.contains("*/");
            if (mayEnd && SqlSplitter.endsStatement(pending.toString(), SqlSyntax.POSTGRESQL)) {
                runPending();
            }
        }
        if (!SqlSplitter.endsStatement(pending.toString(), SqlSyntax.POSTGRESQL)) {
            throw ScriptFailure.truncatedStatement(pendingLine, pending.toString());
        }
        progress.progressed(reader.bytesRead(), rows);
        return new ScriptResult(statements, rowsByTable, complete);
    }

    /**
     * Handles a line where a statement may start if it is not SQL: blank, a comment, a marker or a meta-command.
     * Returns whether it was one (and so has been dealt with).
     */
    private boolean tookStatementStart(String line) throws IOException {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return true;
        }
        if (line.equals(CLEAN_BEGIN)) {
            filter.marker(CLEAN_BEGIN, reader.line());
            if (!clean) {
                skipCleanSection();
                filter.marker(CLEAN_END, reader.line());
            }
            return true;
        }
        if (line.equals(CLEAN_END)) {
            filter.marker(CLEAN_END, reader.line());
            return true;
        }
        if (line.equals(MOORING_COMPLETE) || line.equals(PG_DUMP_COMPLETE)) {
            filter.marker(line, reader.line());
            complete = true;
            return true;
        }
        if (trimmed.startsWith("--")) {
            return true;
        }
        if (trimmed.startsWith("\\")) {
            metaCommand(trimmed);
            return true;
        }
        return false;
    }

    private void skipCleanSection() throws IOException {
        long begin = reader.line();
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.equals(CLEAN_END)) {
                return;
            }
        }
        throw ScriptFailure.corrupt(reader.line(), "the clean section begun on line " + begin + " has no "
                + CLEAN_END + " line", null);
    }

    private void metaCommand(String trimmed) {
        String command = trimmed.split("\\s", 2)[0];
        filter.metaCommand(command, reader.line());
        switch (command) {
            case "\\restrict":
            case "\\unrestrict":
                // pg_dump 17.6+ fences its output against injected meta-commands; we run none, so there is nothing to fence.
                return;
            case "\\connect":
            case "\\c":
                throw ScriptFailure.refused(reader.line(), "the script switches databases (" + command + "); restore"
                        + " each database from its own script, into its own target database");
            case "\\.":
                throw ScriptFailure.corrupt(reader.line(), "a \\. line outside any COPY data block", null);
            default:
                throw ScriptFailure.refused(reader.line(), "the psql meta-command " + command + " is not supported;"
                        + " only \\restrict and \\unrestrict may appear in a script to restore");
        }
    }

    /** Runs the statements in {@code pending}, which ends at a statement's end (or holds only comments). */
    private void runPending() throws IOException {
        List<SqlStatement> list = SqlSplitter.split(pending.toString(), SqlSyntax.POSTGRESQL);
        long base = pendingLine;
        pending.setLength(0);
        if (pending.capacity() > PENDING_KEEP) {
            // One huge statement (a multi-MB INSERT) should not pin its memory for the rest of a long restore.
            pending.trimToSize();
        }
        for (int i = 0; i < list.size(); i++) {
            String sql = list.get(i).sql();
            long line = base + list.get(i).line() - 1;
            if (!filter.admit(sql, line)) {
                continue;
            }
            String target = CopyFromStdin.target(sql);
            if (target == null) {
                execute(sql, line);
            } else if (i == list.size() - 1) {
                copy(sql, target, line);
            } else {
                throw ScriptFailure.corrupt(line, "COPY … FROM stdin is followed by another statement on its line,"
                        + " where its data should start", null);
            }
            statements++;
            complete = false;
        }
        progress.progressed(reader.bytesRead(), rows);
    }

    private void execute(String sql, long line) {
        if (conn == null) {
            return; // scanning
        }
        try {
            if (statement == null) {
                statement = conn.createStatement();
            }
            execution.execute(statement, sql);
        } catch (SQLException e) {
            throw ScriptFailure.statement(line, sql, e, clean, execution.failureHint(e));
        }
    }

    private void copy(String sql, String target, long line) throws IOException {
        if (conn == null) {
            scanCopy(target, line);
            return;
        }
        CopyIn copyIn;
        try {
            if (copyManager == null) {
                copyManager = conn.unwrap(PGConnection.class).getCopyAPI();
            }
            copyIn = copyManager.copyIn(execution.copyStatement(conn, sql, target));
        } catch (SQLException e) {
            throw ScriptFailure.statement(line, sql, e, clean, execution.failureHint(e));
        }
        long firstDataLine = reader.line() + 1;
        long n;
        try {
            long lines = reader.pumpCopyData(copyIn::writeToCopy, progress, rows);
            long copied = copyIn.endCopy();
            // The server's count is the truth; lines equal rows in text format, the only one dumps use.
            n = copied >= 0 ? copied : lines;
        } catch (EOFException e) {
            throw cancelled(copyIn, ScriptFailure.truncatedCopy(reader.line(), target, line));
        } catch (SQLException e) {
            throw cancelled(copyIn, ScriptFailure.copyData(firstDataLine, target, e, clean));
        } catch (IOException | RuntimeException e) {
            cancelled(copyIn, e);
            throw e;
        }
        try {
            n = execution.copied(conn, target, n);
        } catch (SQLException e) {
            throw ScriptFailure.statement(line, "COPY data for " + target, e, clean, execution.failureHint(e));
        }
        rowsByTable.merge(target, n, Long::sum);
        rows += n;
    }

    private void scanCopy(String target, long line) throws IOException {
        try {
            long n = reader.pumpCopyData((data, offset, length) -> { }, progress, rows);
            rowsByTable.merge(target, n, Long::sum);
            rows += n;
        } catch (EOFException e) {
            throw ScriptFailure.truncatedCopy(reader.line(), target, line);
        } catch (SQLException e) {
            throw new IllegalStateException("a discarding sink cannot fail", e);
        }
    }

    /** Abandons a copy still under way, so the connection is usable for the caller's rollback; returns {@code failure}. */
    private static <T extends Exception> T cancelled(CopyIn copyIn, T failure) {
        try {
            if (copyIn.isActive()) {
                copyIn.cancelCopy();
            }
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    private void closeStatement() {
        if (statement != null) {
            try {
                statement.close();
            } catch (SQLException e) {
                // The run's own outcome matters more; a failed close leaves nothing the caller must clean up.
            }
        }
    }
}
