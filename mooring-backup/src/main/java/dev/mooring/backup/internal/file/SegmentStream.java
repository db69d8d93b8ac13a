package dev.mooring.backup.internal.file;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.mooring.backup.Compression;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The stream a producer fills for one segment: it buffers small writes so that the compressor (a JNI call
 * per write) sees large blocks, counts the content bytes, and compresses the segment as an independent gzip
 * member or zstd frame, so that the concatenated segments are one valid multi-member stream.
 *
 * <p>{@link #flush()} hands buffered bytes to the compressor but does not end a compressed block, which would
 * cost ratio for no benefit: nothing reads a backup before it is finished. Not thread-safe: one producer
 * at a time; different segments may be filled by different threads.
 */
final class SegmentStream extends OutputStream {
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int ZSTD_LEVEL = 3;

    private final BackupFileWriter writer;
    private final Segment segment;
    private final OutputStream compressor;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int count;
    private long contentBytes;
    private boolean closed;

    /**
     * @param compressorThreads how many threads zstd compresses this segment with: 1 where producers already run
     *                          in parallel (one segment each), more for a single stream that is the whole backup
     */
    SegmentStream(BackupFileWriter writer, Segment segment, Compression compression, int compressorThreads)
            throws IOException {
        this.writer = writer;
        this.segment = segment;
        this.compressor = compressor(compression, segment, compressorThreads);
    }

    @Override
    public void write(int b) throws IOException {
        ensureOpen();
        if (count == BUFFER_SIZE) {
            flushBuffer();
        }
        buffer[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int offset, int length) throws IOException {
        ensureOpen();
        if (length >= BUFFER_SIZE) {
            flushBuffer();
            compress(b, offset, length);
            return;
        }
        if (count + length > BUFFER_SIZE) {
            flushBuffer();
        }
        System.arraycopy(b, offset, buffer, count, length);
        count += length;
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
    }

    /** Ends the gzip member or zstd frame and closes the segment, which lets the writer drain it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushBuffer();
            compressor.close();
            writer.addContentBytes(contentBytes);
        } catch (IOException | RuntimeException e) {
            writer.fail(e);
            throw e;
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("segment " + segment.index() + " is closed");
        }
    }

    private void flushBuffer() throws IOException {
        if (count > 0) {
            compress(buffer, 0, count);
            count = 0;
        }
    }

    private void compress(byte[] b, int offset, int length) throws IOException {
        // once per block, not per byte: stops a producer promptly when another segment failed
        writer.checkWritable();
        contentBytes += length;
        compressor.write(b, offset, length);
    }

    private static OutputStream compressor(Compression compression, OutputStream segment, int threads)
            throws IOException {
        switch (compression) {
            case NONE:
                return segment;
            case GZIP:
                return new GzipMember(segment);
            case ZSTD:
                ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(segment, ZSTD_LEVEL).setChecksum(true);
                // zstd's own worker threads still write one standard frame
                return threads > 1 ? zstd.setWorkers(threads) : zstd;
            default:
                throw new IllegalArgumentException("compression " + compression);
        }
    }

    /** gzip at level 6 (gzip's own default) with a buffer large enough to keep JNI calls rare. */
    private static final class GzipMember extends GZIPOutputStream {
        GzipMember(OutputStream out) throws IOException {
            super(out, BUFFER_SIZE);
            def.setLevel(6);
        }
    }
}
