package dev.mooring.backup.internal.postgres;

import dev.mooring.backup.internal.file.SegmentedOutput;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-only {@link SegmentedOutput} that keeps each segment in memory and concatenates them in the order
 * they were opened. Thread-safe; checks that every segment was closed.
 */
final class MemorySegments implements SegmentedOutput {
    private final List<Segment> segments = new ArrayList<>();

    @Override
    public synchronized OutputStream openSegment() {
        Segment s = new Segment();
        segments.add(s);
        return s;
    }

    /** The whole file. */
    synchronized byte[] bytes() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Segment s : segments) {
            if (!s.closed) {
                throw new IllegalStateException("segment " + segments.indexOf(s) + " was never closed");
            }
            all.writeBytes(s.toByteArray());
        }
        return all.toByteArray();
    }

    /** The whole file as text. */
    String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }

    /** How many segments were opened. */
    synchronized int count() {
        return segments.size();
    }

    private static final class Segment extends ByteArrayOutputStream {
        private volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
