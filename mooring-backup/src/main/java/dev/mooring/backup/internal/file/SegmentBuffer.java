package dev.mooring.backup.internal.file;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The compressed bytes of a segment that cannot go to the file yet because an earlier segment is still open.
 * They are kept in memory up to a limit, then moved to an owner-only temporary file next to the target, so
 * that a large table dumped early costs disk space rather than heap. Not thread-safe: {@link Segment} guards it.
 */
final class SegmentBuffer {
    private static final int FIRST_BLOCK = 64 * 1024;
    private static final int BLOCK = 1024 * 1024;

    private final Path directory;
    private final String tempPrefix;
    private final long memoryLimit;
    private final List<byte[]> blocks = new ArrayList<>();
    private int lastBlockFill;
    private long memoryBytes;
    private Path spillFile;
    private FileChannel spill;

    SegmentBuffer(Path directory, String tempPrefix, long memoryLimit) {
        this.directory = directory;
        this.tempPrefix = tempPrefix;
        this.memoryLimit = memoryLimit;
    }

    void write(byte[] b, int offset, int length) throws IOException {
        if (spill == null && memoryBytes + length > memoryLimit) {
            spillToDisk();
        }
        if (spill != null) {
            writeFully(spill, ByteBuffer.wrap(b, offset, length));
            return;
        }
        int off = offset;
        int remaining = length;
        while (remaining > 0) {
            if (blocks.isEmpty() || lastBlockFill == blocks.get(blocks.size() - 1).length) {
                blocks.add(new byte[blocks.isEmpty() ? FIRST_BLOCK : BLOCK]);
                lastBlockFill = 0;
            }
            byte[] block = blocks.get(blocks.size() - 1);
            int n = Math.min(remaining, block.length - lastBlockFill);
            System.arraycopy(b, off, block, lastBlockFill, n);
            lastBlockFill += n;
            off += n;
            remaining -= n;
        }
        memoryBytes += length;
    }

    /** Whether the bytes have moved to a temporary file. */
    boolean spilled() {
        return spill != null;
    }

    /** Writes everything buffered so far to {@code out}, then frees the memory and deletes the temp file. */
    void drainTo(OutputStream out) throws IOException {
        writeBlocks(out);
        if (spill != null) {
            ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
            spill.position(0);
            while (spill.read(buffer) >= 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        discard();
    }

    /** Frees the memory and deletes the temp file, quietly: this runs on failure paths. */
    void discard() {
        blocks.clear();
        memoryBytes = 0;
        lastBlockFill = 0;
        if (spill != null) {
            try {
                spill.close();
            } catch (IOException ignored) {
                // the delete below is what matters
            }
            spill = null;
        }
        if (spillFile != null) {
            try {
                Files.deleteIfExists(spillFile);
            } catch (IOException ignored) {
                // nothing more can be done; the name makes the leftover's origin obvious
            }
            spillFile = null;
        }
    }

    private void spillToDisk() throws IOException {
        spillFile = PrivateFiles.createTemp(directory, tempPrefix, ".segment");
        spill = FileChannel.open(spillFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        for (int i = 0; i < blocks.size(); i++) {
            int n = i == blocks.size() - 1 ? lastBlockFill : blocks.get(i).length;
            writeFully(spill, ByteBuffer.wrap(blocks.get(i), 0, n));
        }
        blocks.clear();
        memoryBytes = 0;
        lastBlockFill = 0;
    }

    private void writeBlocks(OutputStream out) throws IOException {
        for (int i = 0; i < blocks.size(); i++) {
            int n = i == blocks.size() - 1 ? lastBlockFill : blocks.get(i).length;
            out.write(blocks.get(i), 0, n);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer source) throws IOException {
        while (source.hasRemaining()) {
            channel.write(source);
        }
    }
}
