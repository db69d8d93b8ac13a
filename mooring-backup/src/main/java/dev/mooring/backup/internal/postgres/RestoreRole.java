package dev.mooring.backup.internal.postgres;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.postgresql.PGConnection;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A throw-away role without superuser rights, created inside a restore's transaction by a superuser's session, that
 * every statement able to evaluate the backup's code runs as ({@link ConfinedRun}). A rollback undoes all of it.
 *
 * <p>{@code SET ROLE} alone is no boundary: code running under it can {@code RESET ROLE} (or call
 * {@code set_config('role', …)}) and be the session's superuser again. So statements run inside {@link #run}, a
 * {@code SECURITY DEFINER} function the role owns: there PostgreSQL refuses any change of role or session
 * authorization, to the function and to everything it calls. What that code may still leave behind for the session
 * is undone or checked before the session acts as a superuser again ({@link #leave}): the function is checked on every
 * call, the search path is reset after each, no named server-side statement exists to hijack, temporary objects are
 * discarded, the dump's settings applied again, and deferred triggers fired inside the function, where they must call
 * nothing of the backup's.
 *
 * <p>Lifecycle: {@link #enter} after the clean section, {@link #run} for each statement, {@link #leave} before the
 * privileges, {@link #drop} before the commit. Single use, not thread-safe.
 */
final class RestoreRole {
    /** The attributes of every throw-away role Mooring creates to restore as. */
    static final String ATTRIBUTES = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";
    private static final String STEP_BODY = """

            DECLARE
                n pg_catalog.int8;
            BEGIN
                EXECUTE statement;
                GET DIAGNOSTICS n = ROW_COUNT;
                PERFORM pg_catalog.set_config('search_path', '', false);
                RETURN n;
            END
            """;
    // Runs a statement only if the function is still the one created here, running as the role.
    private static final String STEP_CALL = "SELECT pg_temp.mooring_restore_step(?::pg_catalog.text)"
            + " FROM pg_catalog.pg_proc p WHERE p.oid OPERATOR(pg_catalog.=) ?::pg_catalog.oid AND p.prosecdef"
            + " AND p.proowner OPERATOR(pg_catalog.=) ?::pg_catalog.oid AND p.prosrc OPERATOR(pg_catalog.=) ?::pg_catalog.text";
    private static final String USER_FUNCTION_CALLS = "SELECT COALESCE(pg_catalog.sum(f.calls), 0)"
            + " FROM pg_catalog.pg_stat_xact_user_functions f WHERE f.funcid OPERATOR(pg_catalog.<>) ?::pg_catalog.oid";

    private final Connection conn;
    private final String name;
    private final Map<String, String> handedSchemas;
    private final int prepareThreshold;
    private String roleOid;
    private String stepOid;
    private boolean left;

    private RestoreRole(Connection conn, String name, Map<String, String> handedSchemas, int prepareThreshold) {
        this.conn = conn;
        this.name = name;
        this.handedSchemas = handedSchemas;
        this.prepareThreshold = prepareThreshold;
    }

    /** A new role name, unguessable, that a backup cannot name. */
    static String newName() {
        return "mooring_restore_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    }

    /**
     * Creates the role in {@code conn}'s transaction (a superuser's, after the clean section), gives it the database's
     * CREATE and TEMPORARY rights and the backup's {@code schemas} that exist, installs {@code extensions} (name to
     * schema, which need a superuser and come from the server's files), and from then on acts as it.
     */
    static RestoreRole enter(Connection conn, Map<String, String> extensions, Set<String> schemas) throws SQLException {
        PGConnection pg = conn.unwrap(PGConnection.class);
        RestoreRole role = new RestoreRole(conn, newName(), new LinkedHashMap<>(), pg.getPrepareThreshold());
        // Named server-side statements could be replaced by the backup's code (SQL PREPARE shares their names).
        pg.setPrepareThreshold(0);
        try (Statement s = conn.createStatement()) {
            s.execute("SET LOCAL track_functions = 'all'");
            s.execute("CREATE ROLE " + role.name + " NOLOGIN " + ATTRIBUTES);
            s.execute("GRANT CREATE, TEMPORARY ON DATABASE " + PostgresRestore.quote(currentDatabase(s)) + " TO "
                    + role.name);
            role.handOver(schemas);
            installExtensions(s, extensions, role.name);
            s.execute("SET LOCAL ROLE " + role.name);
            s.execute("CREATE FUNCTION pg_temp.mooring_restore_step(statement pg_catalog.text) RETURNS pg_catalog.int8"
                    + " LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $mooring$" + STEP_BODY + "$mooring$");
            role.roleOid = single(s, "SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user");
            role.stepOid = single(s, "SELECT 'pg_temp.mooring_restore_step(pg_catalog.text)'::pg_catalog.regprocedure"
                    + "::pg_catalog.oid");
        }
        return role;
    }

    /** Runs {@code sql} as the role, in the function it cannot leave; returns the rows it affected. */
    long run(String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(STEP_CALL)) {
            ps.setString(1, sql);
            ps.setString(2, stepOid);
            ps.setString(3, roleOid);
            ps.setString(4, STEP_BODY);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new MooringException(ErrorCode.RESTORE_FAILED, "The backup's code changed the function"
                            + " through which a superuser's restore runs it without superuser rights, to get more:"
                            + " Mooring's dumps hold no such code, so the backup was altered. The restore was rolled"
                            + " back; the target is unchanged. Use another backup.");
                }
                return rs.getLong(1);
            }
        }
    }

    /** Whether {@link #leave} has been called: the session acts as itself again. */
    boolean left() {
        return left;
    }

    /**
     * Fires the deferred triggers as the role, then acts as the session's own role again, for the statements that
     * need it and run no code of the backup's (privileges). Throws when a deferred trigger called the backup's code,
     * which could defer more past this point. Does nothing when called again.
     */
    void leave() throws SQLException {
        if (left) {
            return;
        }
        left = true;
        long before = userFunctionCalls();
        run("SET CONSTRAINTS ALL IMMEDIATE");
        if (userFunctionCalls() != before) {
            throw new MooringException(ErrorCode.RESTORE_FAILED, "Code from the backup queued a deferred trigger that"
                    + " calls its functions when the restore commits, where they could run with the superuser's rights,"
                    + " not without superuser rights as the rest of the backup's code: Mooring's dumps hold no such"
                    + " code, so the backup was altered. The restore was rolled back; the target is unchanged. Use"
                    + " another backup.");
        }
        try (Statement s = conn.createStatement()) {
            s.execute("RESET ROLE");
            s.execute("DISCARD TEMP");
            for (String setting : DumpScript.settings()) {
                s.execute(setting);
            }
        }
    }

    /**
     * Leaves the role if still in it, gives the schemas it was handed back to their owners, everything else it owns to
     * the database's owner, and drops it.
     */
    void drop() throws SQLException {
        leave();
        try (Statement s = conn.createStatement(); PreparedStatement owner = conn.prepareStatement(
                "SELECT pg_catalog.pg_get_userbyid(nspowner) FROM pg_catalog.pg_namespace WHERE nspname = ?")) {
            for (Map.Entry<String, String> schema : handedSchemas.entrySet()) {
                owner.setString(1, schema.getKey());
                try (ResultSet rs = owner.executeQuery()) {
                    // the privileges may have given it to pg_database_owner already
                    if (rs.next() && name.equals(rs.getString(1))) {
                        s.execute("ALTER SCHEMA " + PostgresRestore.quote(schema.getKey()) + " OWNER TO "
                                + PostgresRestore.quote(schema.getValue()));
                    }
                }
            }
            String databaseOwner = single(s, "SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database"
                    + " WHERE datname = pg_catalog.current_database()");
            dropRole(s, name, PostgresRestore.quote(databaseOwner));
        }
        conn.unwrap(PGConnection.class).setPrepareThreshold(prepareThreshold);
    }

    /** Creates the schemas {@code extensions} go into for {@code role} where missing, then the extensions. */
    static void installExtensions(Statement s, Map<String, String> extensions, String role) throws SQLException {
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            String schema = PostgresRestore.quote(e.getValue());
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema + " AUTHORIZATION " + role);
            s.execute("CREATE EXTENSION IF NOT EXISTS " + PostgresRestore.quote(e.getKey()) + " WITH SCHEMA " + schema);
        }
    }

    /** Gives what {@code role} owns to {@code heir} (SQL: a quoted name or CURRENT_USER) and drops it. */
    static void dropRole(Statement s, String role, String heir) throws SQLException {
        s.execute("REASSIGN OWNED BY " + role + " TO " + heir);
        s.execute("DROP OWNED BY " + role); // its grants
        s.execute("DROP ROLE " + role);
    }

    static String currentDatabase(Statement s) throws SQLException {
        return single(s, "SELECT pg_catalog.current_database()");
    }

    /** The backup's schemas that exist already become the role's, to create objects in and comment on. */
    private void handOver(Set<String> schemas) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement("SELECT nspname, pg_catalog.pg_get_userbyid(nspowner)"
                + " FROM pg_catalog.pg_namespace WHERE nspname = ANY (?)")) {
            ps.setArray(1, conn.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handedSchemas.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        try (Statement s = conn.createStatement()) {
            for (String schema : handedSchemas.keySet()) {
                s.execute("ALTER SCHEMA " + PostgresRestore.quote(schema) + " OWNER TO " + name);
            }
        }
    }

    private long userFunctionCalls() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(USER_FUNCTION_CALLS)) {
            ps.setString(1, stepOid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
