package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.postgres.DumpAllowList.Section;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

/**
 * The run of a Mooring backup by a session whose rights the backup's code must not get: a superuser's, or one that may
 * run programs, read or write server files or signal other sessions. Every statement that can evaluate the backup's
 * code — its definitions (constants in them are folded by calling functions), its data (CHECK constraints, domains,
 * generated columns, partition keys and indexes run for every row; see {@link StagedCopy}), sequence values and
 * everything after the data (an expression index runs at CREATE INDEX) — runs as a throw-away role without those
 * rights ({@link RestoreRole}). The header and the clean section run as the session, before any of the backup's code
 * exists; the privileges run as the session again after it, since they set the default privileges of other roles and
 * give {@code public} back to {@code pg_database_owner}, and call no code.
 *
 * <p>Extensions are installed by the session before the backup's code exists: they come from the server's files and
 * some need a superuser. Objects the role created end up owned by the database's owner; the role is dropped in the
 * restore's transaction, so a failed restore leaves nothing of it.
 *
 * <p>A session that is not a superuser but has one of those rights cannot create the role, and is refused before
 * anything runs. Single use, not thread-safe.
 */
final class ConfinedRun implements PsqlScriptRunner.StatementFilter, PsqlScriptRunner.Execution {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String CONFINED = "a superuser's restore runs the backup's code as a throw-away role without"
            + " superuser rights, and this code wants more (to run a program, read or write server files, create roles"
            + " or change its role). Mooring's dumps hold no such code: the backup was altered, or its functions do"
            + " what no restore should. The restore was rolled back; the target is unchanged. Use another backup, or,"
            + " if you made this one and trust its code, restore it unchecked with --trust-foreign-file";

    private static final String SESSION_RIGHTS = """
            SELECT s.rolname, s.rolsuper,
                   (SELECT pg_catalog.string_agg(r.rolname::pg_catalog.text, ', ' ORDER BY r.rolname)
                    FROM pg_catalog.pg_roles r
                    WHERE r.oid <> s.oid AND pg_catalog.pg_has_role(s.oid, r.oid, 'MEMBER')
                      AND (r.rolsuper OR r.rolname IN ('pg_execute_server_program', 'pg_read_server_files',
                                                       'pg_write_server_files', 'pg_signal_backend'))),
                   s.rolcreaterole AND pg_catalog.current_setting('server_version_num')::pg_catalog.int4 < 160000
            FROM pg_catalog.pg_roles s WHERE s.rolname = session_user""";

    private final Connection conn;
    private final DumpAllowList allowList;
    private final Map<String, String> extensions;
    private final Set<String> schemas;
    private RestoreRole role;
    private StagedCopy staged;

    private ConfinedRun(Connection conn, DumpAllowList allowList, Map<String, String> extensions, Set<String> schemas) {
        this.conn = conn;
        this.allowList = allowList;
        this.extensions = extensions;
        this.schemas = schemas;
    }

    /**
     * The run of the script {@code checked} read, held to {@code allowList}, on {@code conn}, confined if the session's
     * rights call for it; {@code null} when they do not. Throws, before anything has run, for a session with such
     * rights that is not a superuser.
     */
    static ConfinedRun ifNeeded(Connection conn, DumpAllowList checked, DumpAllowList allowList) throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(SESSION_RIGHTS)) {
            rs.next();
            if (rs.getBoolean(2)) {
                return new ConfinedRun(conn, allowList, checked.extensions(), checked.schemas());
            }
            String rights = rs.getString(3);
            if (rights == null && !rs.getBoolean(4)) {
                return null;
            }
            throw new MooringException(ErrorCode.RESTORE_FAILED, "The restoring role " + rs.getString(1) + " is not a"
                    + " superuser, but " + (rights == null ? "may create roles with any rights (CREATEROLE, before"
                    + " PostgreSQL 16)" : "is a member of " + rights) + ": code from the backup that the restore runs"
                    + " (a function that a CHECK constraint or an index calls) would run with those rights, and only a"
                    + " superuser's restore can run it as a role without them. Restore as a role without those rights"
                    + " (the database's owner, for example) or as a superuser. Nothing was restored; the target is"
                    + " unchanged.");
        }
    }

    @Override
    public void marker(String marker, long line) {
        allowList.marker(marker, line);
        if (marker.equals(PsqlScriptRunner.CLEAN_END) && role == null) {
            try {
                role = RestoreRole.enter(conn, extensions, schemas);
            } catch (SQLException e) {
                throw new MooringException(ErrorCode.RESTORE_FAILED, "line " + line + ": could not create the role"
                        + " without superuser rights that a superuser's restore runs the backup's code as: "
                        + ScriptFailure.serverMessage(e) + ". The restore was rolled back; the target is unchanged.", e);
            }
        }
    }

    @Override
    public void metaCommand(String command, long line) {
        allowList.metaCommand(command, line);
    }

    @Override
    public boolean admit(String sql, long line) {
        boolean run = allowList.admit(sql, line);
        if (allowList.section() == Section.PRIVILEGES && role != null && !role.left()) {
            leave(line);
        }
        return run;
    }

    @Override
    public void execute(Statement statement, String sql) throws SQLException {
        if (confining()) {
            role.run(sql);
        } else {
            statement.execute(sql);
        }
    }

    @Override
    public String copyStatement(Connection conn, String sql, String target) throws SQLException {
        staged = confining() ? StagedCopy.plan(conn, sql) : null;
        return staged == null ? sql : staged.begin(conn);
    }

    @Override
    public long copied(Connection conn, String target, long rows) throws SQLException {
        if (staged == null) {
            return rows;
        }
        StagedCopy copy = staged;
        staged = null;
        return copy.finish(conn, role);
    }

    @Override
    public String failureHint(SQLException e) {
        return role != null && INSUFFICIENT_PRIVILEGE.equals(e.getSQLState()) ? " — " + CONFINED : "";
    }

    /** After the script: the role's objects go to the database's owner and the role is dropped. */
    void finish() throws SQLException {
        if (role != null) {
            leave(-1);
            role.drop();
        }
    }

    private boolean confining() {
        return role != null && !role.left();
    }

    private void leave(long line) {
        try {
            role.leave();
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, (line < 0 ? "" : "line " + line + ": ")
                    + "the checks deferred to the end of the data failed: " + ScriptFailure.serverMessage(e)
                    + failureHint(e) + (failureHint(e).isEmpty() ? ". The restore was rolled back; the target is"
                    + " unchanged." : "."), e);
        }
    }
}
