package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Receives the compressed bytes of one segment and routes them: straight to the file while the segment is
 * at the head of the line (every earlier segment drained), otherwise into a {@link SegmentBuffer}.
 *
 * <p>Thread-safety: one producer thread writes; the writer's drainer reads the buffer and may switch the
 * segment to direct mode when it reaches the head. Both happen under this object's monitor, which is also
 * what hands the file stream from the drainer's thread to the producer's thread safely. The monitor is
 * taken once per compressed block (tens of kilobytes), never per byte.
 */
final class Segment extends OutputStream {
    private final BackupFileWriter writer;
    private final int index;
    private SegmentBuffer buffer;
    private boolean direct;
    private boolean closed;
    private boolean discarded;

    Segment(BackupFileWriter writer, int index, SegmentBuffer buffer) {
        this.writer = writer;
        this.index = index;
        this.buffer = buffer;
        this.direct = buffer == null;
    }

    int index() {
        return index;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int offset, int length) throws IOException {
        if (closed || discarded) {
            throw new IOException("segment " + index + " is closed");
        }
        writer.checkWritable();
        try {
            if (direct) {
                writer.body().write(b, offset, length);
            } else {
                buffer.write(b, offset, length);
            }
        } catch (IOException | RuntimeException e) {
            writer.fail(e);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.segmentClosed();
    }

    /**
     * Called by the drainer when this segment is at the head. Moves the buffered bytes to {@code body}; returns
     * true when the segment is closed and fully in the file, false when it is still open (it then writes
     * to the file directly from now on).
     */
    synchronized boolean drainInto(OutputStream body) throws IOException {
        if (discarded) {
            throw new IOException("segment " + index + " was discarded");
        }
        if (buffer != null) {
            buffer.drainTo(body);
            buffer = null;
            direct = true;
        }
        return closed;
    }

    /** Drops the buffered bytes and deletes any temp file; later writes fail. Used when the writer is closed. */
    synchronized void discard() {
        discarded = true;
        if (buffer != null) {
            buffer.discard();
            buffer = null;
        }
    }
}
