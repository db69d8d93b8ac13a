package dev.mooring.backup.internal.export;

import dev.mooring.core.spi.Dialect;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The read transaction an export runs in, and the connection settings to put back afterwards (the connection may
 * come from a pool). PostgreSQL: {@code REPEATABLE READ READ ONLY}, so every query sees the snapshot taken by the
 * first one, and with autocommit off the driver streams with a cursor. SQLite: a deferred transaction, which holds
 * one read snapshot from the first {@code SELECT} to the end. Nothing is written, so the transaction is rolled
 * back. Use from one thread.
 */
final class Snapshot {
    private final Connection connection;
    private final boolean autoCommit;
    private final int isolation;
    private final boolean readOnly;

    private Snapshot(Connection connection) throws SQLException {
        this.connection = connection;
        this.autoCommit = connection.getAutoCommit();
        this.isolation = connection.getTransactionIsolation();
        this.readOnly = connection.isReadOnly();
    }

    static Snapshot begin(Connection connection, Dialect dialect) throws SQLException {
        Snapshot snapshot = new Snapshot(connection);
        connection.setAutoCommit(false);
        // SQLite's driver refuses to change these on an open connection; its deferred transaction is enough.
        if (dialect.name().equals("postgresql")) {
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
        }
        return snapshot;
    }

    void end() throws SQLException {
        connection.rollback();
        if (connection.isReadOnly() != readOnly) {
            connection.setReadOnly(readOnly);
        }
        if (connection.getTransactionIsolation() != isolation) {
            connection.setTransactionIsolation(isolation);
        }
        connection.setAutoCommit(autoCommit);
    }
}
