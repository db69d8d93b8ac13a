package dev.mooring.bench;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * The raw floor of a logical backup: {@code COPY table TO STDOUT} of every table, the bytes discarded. With two
 * connections the second imports the first one's snapshot, as a parallel dump must. No DDL, no file, no checksum.
 */
final class CopyFloor {
    private CopyFloor() {
    }

    /** Copies every user table out with {@code connections} connections and returns the bytes read. */
    static long run(DataSource ds, int connections) throws Exception {
        try (Connection lead = ds.getConnection()) {
            lead.setAutoCommit(false);
            String snapshot;
            List<String> tables = new ArrayList<>();
            try (Statement s = lead.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    snapshot = rs.getString(1);
                }
                try (ResultSet rs = s.executeQuery("SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables"
                        + " ORDER BY pg_relation_size(relid) DESC")) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(tables);
            AtomicLong bytes = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(connections);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int i = 0; i < connections; i++) {
                    boolean useLead = i == 0;
                    workers.add(pool.submit(() -> {
                        drain(useLead ? lead : null, ds, snapshot, queue, bytes);
                        return null;
                    }));
                }
                for (Future<?> w : workers) {
                    w.get();
                }
            } finally {
                pool.shutdown();
            }
            lead.rollback();
            return bytes.get();
        }
    }

    private static void drain(Connection lead, DataSource ds, String snapshot, ConcurrentLinkedQueue<String> queue,
                              AtomicLong bytes) throws SQLException {
        Connection c = lead != null ? lead : ds.getConnection();
        try {
            if (lead == null) {
                c.setAutoCommit(false);
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                }
            }
            String table;
            while ((table = queue.poll()) != null) {
                CopyOut out = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY " + table + " TO STDOUT");
                byte[] row;
                long n = 0;
                while ((row = out.readFromCopy()) != null) {
                    n += row.length;
                }
                bytes.addAndGet(n);
            }
        } finally {
            if (lead == null) {
                c.rollback();
                c.close();
            }
        }
    }
}
