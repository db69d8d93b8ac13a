package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.internal.RowDigest;
import dev.mooring.backup.TableSummary;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Copies one table's rows with {@code COPY ... TO STDOUT} into a script segment (or nowhere, to only
 * checksum them), feeding each row's bytes, without its newline, to a {@link RowDigest}. Rows stay bytes
 * from the socket to the file. Stateless; thread-safe as long as each call has its own connection.
 */
final class TableCopier {
    /** How many rows go by between progress reports: often enough for a bar, rare enough to cost nothing. */
    private static final int REPORT_EVERY = 4096;
    private static final byte[] END_OF_DATA = "\\.\n".getBytes(StandardCharsets.US_ASCII);

    private TableCopier() {
    }

    /**
     * Copies {@code table} on {@code conn}; writes the COPY FROM block to {@code out} unless it is null.
     * Does not close {@code out}.
     */
    static TableSummary copy(Connection conn, DataTable table, OutputStream out, BackupProgress progress) {
        RowDigest digest = new RowDigest();
        try {
            if (out != null) {
                out.write(table.copyIn().getBytes(StandardCharsets.UTF_8));
            }
            CopyOut copy = conn.unwrap(PGConnection.class).getCopyAPI().copyOut(table.copyOut());
            try {
                long rows = 0;
                long bytes = 0;
                byte[] row;
                while ((row = copy.readFromCopy()) != null) {
                    // The server sends exactly one row per CopyData message, ending with its newline.
                    digest.add(row, 0, row.length - 1);
                    if (out != null) {
                        out.write(row);
                    }
                    bytes += row.length;
                    if (++rows == REPORT_EVERY) {
                        progress.advanced(rows, bytes);
                        rows = 0;
                        bytes = 0;
                    }
                }
                progress.advanced(rows, bytes);
            } finally {
                cancelIfActive(copy);
            }
            if (out != null) {
                out.write(END_OF_DATA);
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "Could not copy the rows of table " + table.name() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "Could not write the rows of table " + table.name()
                    + " to the backup: " + e.getMessage(), e);
        }
        TableSummary summary = new TableSummary(table.name(), digest.rows(), digest.value());
        progress.tableDone(summary);
        return summary;
    }

    /**
     * Ends a COPY that a failure stopped half way (the backup's store failed, a listener threw): left active, it
     * would hold the connection, and the rollback that follows would wait for it forever.
     */
    private static void cancelIfActive(CopyOut copy) {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException ignored) {
                // the failure that stopped the copy is the one to report; the connection is closed after it
            }
        }
    }
}
