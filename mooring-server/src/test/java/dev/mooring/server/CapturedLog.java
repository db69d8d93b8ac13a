package dev.mooring.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the server logs while it is open: the tests' SLF4J binding (slf4j-simple) writes to {@code System.err} as it
 * is at each line, so this swaps in a stream that keeps a copy and passes everything on. Not for tests that run in
 * parallel with others. For tests.
 */
final class CapturedLog implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    CapturedLog() {
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    /** Everything logged so far. */
    String text() {
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    /** The lines logged so far that contain {@code part}. */
    List<String> lines(String part) {
        return Arrays.stream(text().split("\\R")).filter(line -> line.contains(part)).toList();
    }

    /** The lines that contain {@code part}, once there is one; fails after {@code patience}. */
    List<String> awaitLines(String part, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (lines(part).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nothing containing '" + part + "' was logged within " + patience + ":\n" + text());
            }
            Thread.sleep(10);
        }
        return lines(part);
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
