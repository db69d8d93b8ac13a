package dev.mooring.backup.internal.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A throw-away role without superuser rights that owns a scratch database, so that a backup restored there for
 * {@code verify --restore} runs with no more rights than its own objects need. Even code the backup legitimately
 * holds and the restore calls (a function a CHECK constraint, a generated column, an index or a materialized view
 * uses) then cannot run programs, read or write server files, or create roles. The extensions the backup installs are
 * created beforehand by the administrator connection, in schemas the role owns: they come from the server's own
 * files, and some need a superuser. Single use, not thread-safe.
 */
final class UnprivilegedRole implements AutoCloseable {
    private final Connection admin;
    private final String name;

    private UnprivilegedRole(Connection admin, String name) {
        this.admin = admin;
        this.name = name;
    }

    /**
     * Creates the role on {@code admin}'s server (a superuser's connection to the scratch database, in autocommit
     * mode), gives it the database, and installs {@code extensions} (name to schema) for it.
     */
    static UnprivilegedRole create(Connection admin, Map<String, String> extensions) throws SQLException {
        String name = RestoreRole.newName();
        UnprivilegedRole role = new UnprivilegedRole(admin, name);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN " + RestoreRole.ATTRIBUTES);
            try {
                s.execute("ALTER DATABASE " + PostgresRestore.quote(RestoreRole.currentDatabase(s)) + " OWNER TO " + name);
                RestoreRole.installExtensions(s, extensions, name);
            } catch (SQLException e) {
                role.close();
                throw e;
            }
        }
        return role;
    }

    /** The role's name, to connect as (the scratch server lets it in without a password, or the caller falls back). */
    String name() {
        return name;
    }

    /** Hands everything the role owns to the administrator and drops it. */
    @Override
    public void close() throws SQLException {
        if (!admin.getAutoCommit()) {
            admin.setAutoCommit(true); // a restore on this connection ended its transaction either way
        }
        try (Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + PostgresRestore.quote(RestoreRole.currentDatabase(s)) + " OWNER TO CURRENT_USER");
            RestoreRole.dropRole(s, name, "CURRENT_USER");
        }
    }
}
