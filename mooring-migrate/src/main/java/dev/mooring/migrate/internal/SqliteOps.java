package dev.mooring.migrate.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.core.spi.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import javax.sql.DataSource;

/**
 * SQLite: one writer at a time. There is no lock that outlives a transaction, so each migration starts with
 * {@code BEGIN IMMEDIATE} (waiting up to the busy time-out for other writers) and re-checks the history inside it.
 */
final class SqliteOps implements DatabaseOps {
    private final Dialect dialect;

    SqliteOps(Dialect dialect) {
        this.dialect = dialect;
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    @Override
    public String sqlType(HistoryTable.ColumnType type) {
        return switch (type) {
            case INTEGER, BIG_INTEGER, BOOLEAN -> "INTEGER";
            case TIMESTAMP, VERSION, DESCRIPTION, KIND, SCRIPT, USER -> "TEXT";
        };
    }

    @Override
    public void createSchemaIfMissing(Statement s, String quotedSchema) {
        throw new MooringException(ErrorCode.CONFIGURATION,
                "SQLite has no schemas: give the history table a plain name (e.g. schema_version).");
    }

    @Override
    public boolean tableExists(Connection c, String schema, String table) throws SQLException {
        if (schema != null) {
            throw new MooringException(ErrorCode.CONFIGURATION,
                    "SQLite has no schemas: give the history table a plain name (e.g. schema_version), not " + schema + "." + table + ".");
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public RunLock lockRun(DataSource dataSource, String historyTable, Duration timeout) {
        return () -> { };
    }

    @Override
    public void prepare(Connection c, Duration lockTimeout) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + Math.min(Integer.MAX_VALUE, lockTimeout.toMillis()));
        }
    }

    @Override
    public void beginMigration(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            if (e.getMessage() != null && (e.getMessage().contains("SQLITE_BUSY") || e.getMessage().contains("locked"))) {
                throw new MooringException(ErrorCode.LOCK_TIMEOUT, "Another process is writing to this SQLite database and kept it "
                        + "locked past the lock time-out. Wait for it to finish, or raise --lock-timeout.", e);
            }
            throw e;
        }
    }

    @Override
    public void commit(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
        }
    }

    @Override
    public void rollback(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
        } catch (SQLException e) {
            // No transaction was open (SQLite may already have rolled back after the error).
        }
    }

    @Override
    public long otherWritersMark(Connection c) throws SQLException {
        // Changes only when another connection commits; our own commits leave it as it is.
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public String currentUser(Connection c) {
        return System.getProperty("user.name", "unknown");
    }

    @Override
    public Instant readInstant(ResultSet rs, int column) throws SQLException {
        String text = rs.getString(column);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException {
        ps.setString(index, value.toString());
    }
}
