package dev.mooring.cli.internal;

import dev.mooring.backup.BackupProgress;
import dev.mooring.backup.TableSummary;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how a backup or restore advances: on a terminal, one line redrawn in place (tables, rows, MB/s, ETA) at most
 * a few times a second; otherwise plain lines, one per finished table, that logs keep. Thread-safe: parallel dump
 * workers report from their own threads.
 */
final class ProgressBar implements BackupProgress {
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private final AtomicInteger tablesDone = new AtomicInteger();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile int tables;
    private volatile long estimatedBytes;
    private long lastDraw;

    ProgressBar(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A bar for this process: drawn in place when stderr is a terminal. */
    static ProgressBar forConsole(PrintWriter err) {
        return new ProgressBar(err, System.console() != null);
    }

    @Override
    public void planned(int tables, long estimatedRows, long estimatedBytes) {
        this.tables = tables;
        this.estimatedBytes = estimatedBytes;
    }

    @Override
    public void advanced(long rows, long bytes) {
        this.rows.addAndGet(rows);
        this.bytes.addAndGet(bytes);
        if (terminal) {
            draw(false);
        }
    }

    @Override
    public void tableDone(TableSummary table) {
        int done = tablesDone.incrementAndGet();
        if (terminal) {
            draw(true);
        } else {
            synchronized (this) {
                err.println("  " + table.table() + ": " + table.rows() + " rows (" + done + "/" + Math.max(done, tables)
                        + " tables)");
                err.flush();
            }
        }
    }

    /** Ends the in-place line so that what follows starts on a fresh one. */
    void finish() {
        if (terminal && lastDraw != 0) {
            synchronized (this) {
                err.println();
                err.flush();
            }
        }
    }

    private synchronized void draw(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        long written = bytes.get();
        double mbPerSecond = written / 1e6 / seconds;
        int width = 24;
        double fraction = estimatedBytes > 0 ? Math.min(1.0, (double) written / estimatedBytes)
                : tables > 0 ? (double) tablesDone.get() / tables : 0;
        int filled = (int) Math.round(fraction * width);
        String eta = fraction > 0.01 && fraction < 1 ? "  ETA " + clock((long) (seconds / fraction - seconds)) : "";
        err.print(String.format("\r[%s%s] %d/%d tables  %,d rows  %.1f MB/s%s   ", "#".repeat(filled),
                ".".repeat(width - filled), tablesDone.get(), tables, rows.get(), mbPerSecond, eta));
        err.flush();
    }

    private static String clock(long seconds) {
        return String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}
