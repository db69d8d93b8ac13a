package dev.mooring.migrate.internal;

import dev.mooring.core.spi.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * What the migration engine does differently per database: the history table's DDL, how a migration's
 * transaction starts, and how concurrent migrators are kept apart. Implementations are stateless and thread-safe.
 */
public interface DatabaseOps {

    static DatabaseOps forDialect(Dialect dialect) {
        return switch (dialect.name()) {
            case "postgresql" -> new PostgresOps(dialect);
            case "sqlite" -> new SqliteOps(dialect);
            default -> throw new IllegalArgumentException("no migration support for dialect " + dialect.name());
        };
    }

    Dialect dialect();

    /** How this database spells a history column's type. */
    String sqlType(HistoryTable.ColumnType type);

    void createSchemaIfMissing(Statement s, String quotedSchema) throws SQLException;

    boolean tableExists(Connection c, String schema, String table) throws SQLException;

    /**
     * Takes the lock that keeps other migrators out for a whole run. PostgreSQL: a session advisory lock on its
     * own connection. SQLite has no lock that outlives a transaction, so it returns a no-op and relies on
     * {@link #beginMigration} instead.
     */
    RunLock lockRun(DataSource dataSource, String historyTable, Duration timeout) throws SQLException;

    /** Prepares a connection for a run (e.g. SQLite's busy time-out). */
    void prepare(Connection c, Duration lockTimeout) throws SQLException;

    /** Starts a migration's transaction. SQLite takes the write lock at once ({@code BEGIN IMMEDIATE}). */
    void beginMigration(Connection c) throws SQLException;

    void commit(Connection c) throws SQLException;

    void rollback(Connection c);

    /**
     * A number that changes when another connection commits to the database, read inside a migration's transaction
     * to learn whether another process may have applied migrations since the plan was made. PostgreSQL's run lock
     * keeps other migrators out, so it returns a constant; SQLite returns {@code PRAGMA data_version}.
     */
    long otherWritersMark(Connection c) throws SQLException;

    /** Who is applying migrations, for the history table. */
    String currentUser(Connection c) throws SQLException;

    Instant readInstant(ResultSet rs, int column) throws SQLException;

    void bindInstant(PreparedStatement ps, int index, Instant value) throws SQLException;

    /** A lock held for a whole run; closing releases it. */
    interface RunLock extends AutoCloseable {
        @Override
        void close();
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
