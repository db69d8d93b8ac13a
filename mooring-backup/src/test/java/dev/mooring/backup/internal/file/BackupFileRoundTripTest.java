package dev.mooring.backup.internal.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.ZstdInputStream;
import dev.mooring.backup.Compression;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupFileRoundTripTest {
    private static final int SEVERAL_CHUNKS = 5 * EncryptionHeader.DEFAULT_CHUNK_SIZE + 123;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Compression.class)
    void plainContentComesBackExactly(Compression compression) throws IOException {
        assertRoundTrip(compression, null, TestBackups.dumpLike(SEVERAL_CHUNKS, 1));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void encryptedContentComesBackExactly(Compression compression) throws IOException {
        assertRoundTrip(compression, TestBackups.PASSPHRASE, TestBackups.dumpLike(SEVERAL_CHUNKS, 2));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void emptyContentRoundTripsPlainAndEncrypted(Compression compression) throws IOException {
        assertRoundTrip(compression, null, new byte[0]);
        assertRoundTrip(compression, TestBackups.PASSPHRASE, new byte[0]);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void contentOfExactlyOneChunkRoundTripsEncrypted(Compression compression) throws IOException {
        byte[] content = TestBackups.dumpLike(EncryptionHeader.DEFAULT_CHUNK_SIZE, 3);
        assertRoundTrip(compression, TestBackups.PASSPHRASE, content);
    }

    @Property(tries = 40)
    void anySizeAndSegmentSplitRoundTripsEncrypted(@ForAll @IntRange(max = 300_000) int size,
                                                   @ForAll @IntRange(min = 1, max = 5) int segments,
                                                   @ForAll Compression compression) throws IOException {
        Path root = Files.createTempDirectory("roundtrip");
        try {
            byte[] content = TestBackups.dumpLike(size, size);
            Path file = root.resolve("p.sql" + compression.extension());
            try (BackupFileWriter writer = BackupFileWriter.create(file, compression, TestBackups.PASSPHRASE,
                    TestBackups.FAST_ITERATIONS, 10_000)) {
                writeSplit(writer, content, segments);
                writer.finish();
            }
            assertThat(TestBackups.read(file, TestBackups.PASSPHRASE)).isEqualTo(content);
        } finally {
            try (var files = Files.list(root)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.delete(p);
                }
            }
            Files.delete(root);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
    void multiSegmentFilesAreReadableByStandardDecompressors(Compression compression) throws IOException {
        byte[] content = TestBackups.dumpLike(3 * SEVERAL_CHUNKS, 4);
        Path file = dir.resolve("dump.sql" + compression.extension());
        try (BackupFileWriter writer = BackupFileWriter.create(file, compression, null)) {
            writeSplit(writer, content, 7);
            writer.finish();
        }
        try (InputStream in = compression == Compression.GZIP
                ? new GZIPInputStream(Files.newInputStream(file)) : new ZstdInputStream(Files.newInputStream(file))) {
            assertThat(TestBackups.readAll(in)).isEqualTo(content);
        }
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void detectFindsCompressionAndEncryptionWithoutPassphrase(Compression compression) throws IOException {
        byte[] content = TestBackups.dumpLike(1000, 5);
        Path plain = dir.resolve("plain.sql" + compression.extension());
        Path secret = dir.resolve("secret.sql" + compression.extension());
        TestBackups.write(plain, compression, null, content);
        TestBackups.write(secret, compression, TestBackups.PASSPHRASE, content);
        assertThat(BackupFileReader.detect(plain)).isEqualTo(new FileFormat(false, compression));
        assertThat(BackupFileReader.detect(secret)).isEqualTo(new FileFormat(true, compression));
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void plainFilesAreNotAskedForAPassphrase(Compression compression) throws IOException {
        byte[] content = TestBackups.dumpLike(1000, 6);
        Path file = dir.resolve("plain.sql" + compression.extension());
        TestBackups.write(file, compression, null, content);
        try (InputStream in = BackupFileReader.open(file, () -> {
            throw new AssertionError("asked for a passphrase");
        })) {
            assertThat(TestBackups.readAll(in)).isEqualTo(content);
        }
    }

    private void assertRoundTrip(Compression compression, char[] passphrase, byte[] content) throws IOException {
        Path file = dir.resolve((passphrase == null ? "plain-" : "enc-") + content.length + ".sql" + compression.extension());
        WrittenFile written = TestBackups.write(file, compression, passphrase, content);
        assertThat(TestBackups.read(file, passphrase)).isEqualTo(content);
        assertThat(written.path()).isEqualTo(file.toAbsolutePath());
        assertThat(written.bytes()).isEqualTo(Files.size(file));
        assertThat(written.contentBytes()).isEqualTo(content.length);
        assertThat(written.sha256()).isEqualTo(FileDigest.sha256(file));
    }

    static void writeSplit(BackupFileWriter writer, byte[] content, int segments) throws IOException {
        int step = content.length / segments;
        for (int i = 0; i < segments; i++) {
            int from = i * step;
            int to = i == segments - 1 ? content.length : from + step;
            try (OutputStream out = writer.openSegment()) {
                // mixed single-byte and block writes exercise both buffering paths
                if (to > from) {
                    out.write(content[from]);
                    out.write(content, from + 1, to - from - 1);
                }
            }
        }
    }
}
