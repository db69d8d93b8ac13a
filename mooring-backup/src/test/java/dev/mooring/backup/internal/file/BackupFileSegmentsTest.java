package dev.mooring.backup.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mooring.backup.Compression;
import dev.mooring.core.MooringException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupFileSegmentsTest {
    private static final int SEGMENTS = 12;
    private static final int SPILL_THRESHOLD = 16 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void concurrentSegmentsClosedInRandomOrderComeOutInOpenOrder(Compression compression) throws Exception {
        for (char[] passphrase : new char[][] {null, TestBackups.PASSPHRASE}) {
            Path file = dir.resolve((passphrase == null ? "plain" : "enc") + ".sql" + compression.extension());
            List<byte[]> parts = parts(SEGMENTS);
            AtomicInteger spilledSeen = new AtomicInteger();
            WrittenFile written;
            try (BackupFileWriter writer = BackupFileWriter.create(file, compression, passphrase,
                    TestBackups.FAST_ITERATIONS, SPILL_THRESHOLD)) {
                fillConcurrently(writer, parts, () -> spilledSeen.accumulateAndGet(tempFiles().size(), Math::max));
                written = writer.finish();
            }
            assertThat(TestBackups.read(file, passphrase)).isEqualTo(concat(parts));
            assertThat(written.sha256()).isEqualTo(FileDigest.sha256(file));
            assertThat(written.contentBytes()).isEqualTo(concat(parts).length);
            assertThat(spilledSeen.get()).as("segments larger than the memory limit spill to temp files").isPositive();
            assertThat(tempFiles()).as("temp and partial files are gone").isEmpty();
        }
    }

    @Test
    void aSegmentThatReachesTheHeadWhileOpenSwitchesToTheFileAndKeepsOrder() throws IOException {
        Path file = dir.resolve("order.sql");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.NONE, null)) {
            OutputStream first = writer.openSegment();
            OutputStream second = writer.openSegment();
            OutputStream third = writer.openSegment();
            second.write("B1".getBytes());
            third.write("C".getBytes());
            third.close();
            first.write("A".getBytes());
            first.close();
            second.write("B2".getBytes());
            second.close();
            writer.finish();
        }
        assertThat(Files.readString(file)).isEqualTo("AB1B2C");
    }

    @Test
    void finishWithAnOpenSegmentIsRefusedAndCloseCleansUp() throws IOException {
        Path file = dir.resolve("open.sql.zst");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.ZSTD, null)) {
            writer.openSegment().write(TestBackups.dumpLike(1000, 1));
            OutputStream pending = writer.openSegment();
            pending.write(TestBackups.dumpLike(1000, 2));
            assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("is open");
        }
        assertThat(tempFiles()).isEmpty();
        assertThat(file).doesNotExist();
    }

    @Test
    void aFailedSegmentFailsTheWriterAndLeavesNoFiles() throws Exception {
        Path file = dir.resolve("failed.sql.gz");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.GZIP, null, TestBackups.FAST_ITERATIONS, SPILL_THRESHOLD)) {
            OutputStream head = writer.openSegment();
            OutputStream spilled = writer.openSegment();
            spilled.write(TestBackups.dumpLike(4 * SPILL_THRESHOLD, 3));
            spilled.close();
            writer.fail(new IOException("worker lost its connection"));
            assertThatThrownBy(() -> head.write(new byte[100_000])).isInstanceOf(IOException.class).hasMessageContaining("failed");
            assertThatThrownBy(writer::finish).isInstanceOf(MooringException.class)
                    .hasMessageContaining("worker lost its connection");
        }
        assertThat(tempFiles()).isEmpty();
    }

    private void fillConcurrently(BackupFileWriter writer, List<byte[]> parts, Runnable observe) throws Exception {
        List<OutputStream> segments = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            segments.add(writer.openSegment());
        }
        List<Integer> closeOrder = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            closeOrder.add(i);
        }
        Collections.shuffle(closeOrder, new Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i : closeOrder) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try (OutputStream out = segments.get(i)) {
                        byte[] part = parts.get(i);
                        for (int off = 0; off < part.length; off += 7_919) {
                            out.write(part, off, Math.min(7_919, part.length - off));
                        }
                        observe.run();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<byte[]> parts(int count) {
        List<byte[]> parts = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < count; i++) {
            // a mix of tiny, medium and spilling segments, like schema, small and large tables
            int size = i % 4 == 0 ? random.nextInt(200) : i % 4 == 1 ? 300_000 + random.nextInt(300_000) : random.nextInt(20_000);
            parts.add(TestBackups.dumpLike(size, i));
        }
        return parts;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private List<Path> tempFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".segment")
                    || p.getFileName().toString().endsWith(".partial")).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
