package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.CRC32C;
import javax.sql.DataSource;

/** PostgreSQL: transactional DDL, a session advisory lock per history table. */
final class PostgresOps implements DatabaseOps {
    private static final Duration POLL = Duration.ofMillis(100);
    // A table of that name in a schema of the search path the role may not use ("$user" is the role's own schema).
    private static final String HIDDEN_BY_PRIVILEGES = """
            SELECT n.nspname, current_user FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = ? AND c.relkind IN ('r', 'p') AND NOT pg_catalog.has_schema_privilege(n.oid, 'USAGE')
              AND n.nspname IN (SELECT CASE WHEN p = '$user' THEN current_user::text ELSE p END
                FROM (SELECT pg_catalog.btrim(pg_catalog.btrim(x), '"') AS p
                      FROM pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.current_setting('search_path'), ',')) x) s)
            LIMIT 1""";
    private final Dialect dialect;

    PostgresOps(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public String sqlType(HistoryTable.ColumnType type) {
        return switch (type) {
            case INTEGER -> "integer";
            case BIG_INTEGER -> "bigint";
            case BOOLEAN -> "boolean";
            case TIMESTAMP -> "timestamptz";
            case VERSION -> "varchar(50)";
            case DESCRIPTION -> "varchar(200)";
            case KIND -> "varchar(20)";
            case SCRIPT -> "varchar(1000)";
            case USER -> "varchar(100)";
        };
    }

    @Override
    public void createSchemaIfMissing(Statement s, String quotedSchema) throws SQLException {
        s.execute("CREATE SCHEMA IF NOT EXISTS " + quotedSchema);
    }

    /**
     * {@inheritDoc} An unqualified name is looked up as the server would: on the search path, which skips the schemas
     * the role may not use. A table there that only lacking USAGE hides is not absent, and says so: taking it for
     * absent would report an applied database as empty.
     */
    @Override
    public boolean tableExists(Connection c, String schema, String table) throws SQLException {
        String sql = schema == null
                ? "SELECT 1 FROM pg_catalog.pg_class WHERE relname = ? AND relkind IN ('r','p') AND pg_catalog.pg_table_is_visible(oid)"
                : "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relname = ? AND n.nspname = ? AND c.relkind IN ('r','p')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, table);
            if (schema != null) {
                ps.setString(2, schema);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        if (schema == null) {
            requireUsableSchemaHolding(c, table);
        }
        return false;
    }

    /** Fails when a table named {@code table} sits in a schema of the search path the role may not use. */
    private static void requireUsableSchemaHolding(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HIDDEN_BY_PRIVILEGES)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    String schema = rs.getString(1);
                    String role = rs.getString(2);
                    throw new MooringException(ErrorCode.DATABASE, "The migration history table " + schema + "." + table
                            + " exists, but role " + role + " may not read it: it has no USAGE privilege on schema "
                            + schema + ", so the table is hidden from it and the applied migrations cannot be known."
                            + " Grant it (GRANT USAGE ON SCHEMA " + schema + " TO " + role + "; GRANT SELECT ON "
                            + schema + "." + table + " TO " + role + "), or connect as a role that has them.");
                }
            }
        }
    }

    @Override
    public RunLock lockRun(DataSource dataSource, String historyTable, Duration timeout) throws SQLException {
        long key = lockKey(historyTable);
        Connection lockConnection = dataSource.getConnection();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!tryLock(lockConnection, key)) {
                if (System.nanoTime() > deadline) {
                    throw new MooringException(ErrorCode.LOCK_TIMEOUT, "Another process is migrating this database (it holds "
                            + "PostgreSQL advisory lock " + key + " for " + historyTable + "); gave up after " + timeout.toSeconds()
                            + " s. Wait for it to finish, or raise --lock-timeout. To see who holds it: "
                            + "SELECT pid, state, query FROM pg_stat_activity WHERE pid IN "
                            + "(SELECT pid FROM pg_locks WHERE locktype = 'advisory').");
                }
                DatabaseOps.sleep(POLL);
            }
        } catch (SQLException | RuntimeException e) {
            lockConnection.close();
            throw e;
        }
        return () -> {
            try (lockConnection; PreparedStatement ps = lockConnection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, key);
                ps.execute();
            } catch (SQLException e) {
                // Closing the session releases the lock anyway.
            }
        };
    }

    private static boolean tryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A stable key per history table, so migrators of different tables in one database do not block each other. */
    static long lockKey(String historyTable) {
        CRC32C crc = new CRC32C();
        crc.update(("mooring-migrate:" + historyTable).getBytes(StandardCharsets.UTF_8));
        return 0x4D4F4F52_00000000L | crc.getValue(); // "MOOR" in the high half
    }

    @Override
    public void prepare(Connection c, Duration lockTimeout) {
        // Nothing: the run lock serializes migrators.
    }

    @Override
    public void beginMigration(Connection c) throws SQLException {
        c.setAutoCommit(false);
    }

    @Override
    public void commit(Connection c) throws SQLException {
        c.commit();
        c.setAutoCommit(true);
    }

    @Override
    public void rollback(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // The connection is broken; the server rolls the transaction back when it goes.
        }
    }

    @Override
    public long otherWritersMark(Connection c) {
        return 0;
    }

    @Override
    public String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setTimestamp(index, Timestamp.from(value));
    }
}
