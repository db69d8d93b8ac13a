package dev.mooring.backup.internal.pitr;

import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Copies the scanned entries of a data directory into a base backup's archive as tar entries, with {@code jobs}
 * workers. The entries are cut into consecutive chunks of about {@value #CHUNK_BYTES} bytes; each chunk is one
 * segment of the {@link BackupFileWriter}, compressed by the worker that reads it, and the writer puts the segments
 * in order, so the archive is one tar stream in scan order whatever the number of workers. Single use.
 */
final class DataDirectoryCopy {
    static final long CHUNK_BYTES = 64L * 1024 * 1024;

    private final Path root;
    private final BackupFileWriter writer;
    private final int jobs;

    DataDirectoryCopy(Path root, BackupFileWriter writer, int jobs) {
        this.root = root;
        this.writer = writer;
        this.jobs = jobs;
    }

    /** Copies every entry; returns how many files were copied and their bytes. */
    long[] copy(List<DataDirectoryScan.Item> items) {
        List<List<DataDirectoryScan.Item>> chunks = chunks(items);
        ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "mooring-basebackup");
            t.setDaemon(true);
            return t;
        });
        // at most jobs + 1 chunks in flight: later ones wait in memory (or spill) until earlier ones are written
        Semaphore inFlight = new Semaphore(jobs + 1);
        List<Future<long[]>> results = new ArrayList<>();
        try {
            for (List<DataDirectoryScan.Item> chunk : chunks) {
                inFlight.acquire();
                OutputStream segment = writer.openSegment();
                results.add(pool.submit(() -> {
                    try {
                        return writeChunk(chunk, segment);
                    } catch (IOException | RuntimeException e) {
                        writer.fail(e);
                        throw e;
                    } finally {
                        inFlight.release();
                    }
                }));
            }
            long files = 0;
            long bytes = 0;
            for (Future<long[]> result : results) {
                long[] counts = result.get();
                files += counts[0];
                bytes += counts[1];
            }
            return new long[] {files, bytes};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MooringException(ErrorCode.IO, "the base backup was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof MooringException m ? m : new MooringException(ErrorCode.IO,
                    "could not copy the data directory " + root + ": " + cause.getMessage(), cause);
        } catch (IOException e) {
            throw new MooringException(ErrorCode.IO, "could not write the base backup: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    private long[] writeChunk(List<DataDirectoryScan.Item> chunk, OutputStream segment) throws IOException {
        long files = 0;
        long bytes = 0;
        try (segment) {
            TarWriter tar = new TarWriter(segment);
            for (DataDirectoryScan.Item item : chunk) {
                if (item.directory()) {
                    tar.directory(item.path(), 0700, item.mtimeSeconds());
                    continue;
                }
                try (InputStream in = Files.newInputStream(root.resolve(item.path()))) {
                    tar.file(item.path(), 0600, item.size(), item.mtimeSeconds(), in);
                    files++;
                    bytes += item.size();
                } catch (NoSuchFileException e) {
                    // dropped since the scan (a table, a temporary file): WAL replay drops it too
                }
            }
        }
        return new long[] {files, bytes};
    }

    private static List<List<DataDirectoryScan.Item>> chunks(List<DataDirectoryScan.Item> items) {
        List<List<DataDirectoryScan.Item>> chunks = new ArrayList<>();
        List<DataDirectoryScan.Item> current = new ArrayList<>();
        long size = 0;
        for (DataDirectoryScan.Item item : items) {
            current.add(item);
            size += item.size() + TarWriter.BLOCK;
            if (size >= CHUNK_BYTES) {
                chunks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }
}
