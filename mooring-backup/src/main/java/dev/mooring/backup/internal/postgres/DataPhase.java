package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;
import dev.mooring.backup.internal.file.SegmentedOutput;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Copies every table's rows into its own segment, either on the coordinator's connection or on parallel
 * workers that each import the coordinator's snapshot. Workers take tables largest first from one queue;
 * taking a table and opening its segment happen under one lock, so the file lists tables in the order they
 * were taken and a run is reproducible. The first failure stops the other workers from taking more tables.
 * One instance per dump; {@link #run} is called once.
 */
final class DataPhase {
    private static final int BUFFER = 64 * 1024;

    private final DataSource source;
    private final String snapshot;
    private final SegmentedOutput out;
    private final BackupProgress progress;
    private final Deque<DataTable> queue;
    private final List<TableSummary> summaries = Collections.synchronizedList(new ArrayList<>());
    private boolean failed;

    DataPhase(DataSource source, String snapshot, SegmentedOutput out, BackupProgress progress, List<DataTable> tables) {
        this.source = source;
        this.snapshot = snapshot;
        this.out = out;
        this.progress = progress;
        this.queue = new ArrayDeque<>(tables);
    }

    /** Copies every table; with one job on {@code coordinator}, else on {@code jobs} new connections. */
    List<TableSummary> run(Connection coordinator, int jobs) {
        if (jobs == 1) {
            drain(coordinator);
        } else {
            runParallel(jobs);
        }
        return List.copyOf(summaries);
    }

    private void runParallel(int jobs) {
        AtomicInteger ids = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "mooring-dump-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int i = 0; i < jobs; i++) {
                workers.add(pool.submit(this::work));
            }
            MooringException first = null;
            for (Future<?> worker : workers) {
                first = await(worker, first);
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private MooringException await(Future<?> worker, MooringException first) {
        try {
            worker.get();
            return first;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return first != null ? first : new MooringException(ErrorCode.IO, "The dump was interrupted", e);
        } catch (ExecutionException e) {
            if (first != null) {
                return first;
            }
            return e.getCause() instanceof MooringException m ? m
                    : new MooringException(ErrorCode.INTERNAL, "A dump worker failed: " + e.getCause(), e.getCause());
        }
    }

    private void work() {
        try (Connection conn = source.getConnection()) {
            PostgresSession.apply(conn);
            PostgresSession.beginSnapshot(conn, snapshot);
            try {
                drain(conn);
            } finally {
                conn.rollback();
            }
        } catch (SQLException e) {
            throw new MooringException(ErrorCode.DATABASE, "A dump worker could not connect or end its transaction: "
                    + e.getMessage(), e);
        }
    }

    private void drain(Connection conn) {
        try {
            while (true) {
                Claim claim = claim();
                if (claim == null) {
                    return;
                }
                try (OutputStream segment = new BufferedOutputStream(claim.segment, BUFFER)) {
                    summaries.add(TableCopier.copy(conn, claim.table, segment, progress));
                }
            }
        } catch (IOException e) {
            failed();
            throw new MooringException(ErrorCode.IO, "Could not write table data to the backup: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            failed();
            throw e;
        }
    }

    private synchronized Claim claim() throws IOException {
        if (failed || queue.isEmpty()) {
            return null;
        }
        // Taking the table and opening its segment together keeps file order equal to claim order.
        DataTable table = queue.poll();
        return new Claim(table, out.openSegment());
    }

    private synchronized void failed() {
        failed = true;
    }

    private record Claim(DataTable table, OutputStream segment) {
    }
}
