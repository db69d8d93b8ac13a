package dev.mooring.server.internal;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/** Runs work in one transaction of its own: committed when it returns, rolled back when it throws. Stateless. */
public final class Transactions {
    /** Work on the transaction's connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private Transactions() {
    }

    /**
     * @param failure what could not be done, the start of the message when the database fails
     * @throws MooringException {@code DATABASE} when the database fails; a {@link RuntimeException} of the work as is
     */
    public static <T> T run(DataSource dataSource, String failure, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, failure + ": " + e.getMessage(), e);
        }
    }
}
