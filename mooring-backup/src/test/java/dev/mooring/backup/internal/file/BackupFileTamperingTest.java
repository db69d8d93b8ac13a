package dev.mooring.backup.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mooring.backup.Compression;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackupFileTamperingTest {
    private static final int CHUNK = EncryptionHeader.DEFAULT_CHUNK_SIZE;
    private static final int RECORD = CHUNK + ChunkCipher.TAG_LENGTH;
    private static final int HEADER = EncryptionHeader.LENGTH;

    @TempDir
    Path dir;
    private Path file;
    private byte[] original;

    @BeforeEach
    void writeEncryptedFile() throws IOException {
        file = dir.resolve("secret.sql");
        // 3 full chunks and a short final one, uncompressed so that chunk offsets are known
        TestBackups.write(file, Compression.NONE, TestBackups.PASSPHRASE, TestBackups.dumpLike(3 * CHUNK + 5_000, 9));
        original = Files.readAllBytes(file);
    }

    @Test
    void everyFlippedBitIsDetectedAsCorruption() throws IOException {
        Random random = new Random(1);
        int[] positions = {0, 3, 7, 8, 9, 10, 12, 20, 31, 33, 37, 45, 57, 63,
                HEADER, HEADER + 1_000, HEADER + CHUNK - 1, HEADER + CHUNK, HEADER + RECORD - 1,
                HEADER + RECORD, HEADER + 2 * RECORD + 40_000, HEADER + 3 * RECORD + 10, original.length - 16, original.length - 1};
        for (int position : positions) {
            int bit = random.nextInt(8);
            byte[] damaged = original.clone();
            damaged[position] ^= (byte) (1 << bit);
            assertThat(readError(damaged).code()).as("bit %d of byte %d", bit, position).isEqualTo(ErrorCode.BACKUP_CORRUPT);
        }
    }

    @Test
    void aModifiedChunkIsNamedInTheMessage() throws IOException {
        byte[] damaged = original.clone();
        damaged[HEADER + 2 * RECORD + 100] ^= 1;
        assertThat(readError(damaged)).hasMessageContaining("chunk 2 failed authentication: the file was modified or corrupted");
    }

    @Test
    void aWrongPassphraseIsToldApartFromDamage() {
        MooringException e = catchThrowableOfType(MooringException.class,
                () -> TestBackups.read(file, "wrong horse".toCharArray()));
        assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
        assertThat(e).hasMessageContaining("wrong passphrase");
    }

    @Test
    void aMissingPassphraseAsksForTheEnvironmentVariable() {
        MooringException e = catchThrowableOfType(MooringException.class, () -> TestBackups.read(file, null));
        assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
        assertThat(e).hasMessageContaining("set MOORING_BACKUP_PASSPHRASE");
    }

    @Test
    void truncationAtAChunkBoundaryReportsTheMissingFinalChunk() throws IOException {
        for (int chunks = 0; chunks <= 3; chunks++) {
            MooringException e = readError(Arrays.copyOf(original, HEADER + chunks * RECORD));
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e).hasMessageContaining("truncated: the final chunk is missing");
        }
    }

    @Test
    void truncationInsideAChunkOrTheHeaderIsCorruption() throws IOException {
        int[] lengths = {5, 8, 40, HEADER - 1, HEADER + 7, HEADER + 1_000, HEADER + RECORD + CHUNK, original.length - 1};
        for (int length : lengths) {
            assertThat(readError(Arrays.copyOf(original, length)).code()).as("length %d", length)
                    .isEqualTo(ErrorCode.BACKUP_CORRUPT);
        }
    }

    @Test
    void appendedBytesAreCorruption() throws IOException {
        byte[] longer = Arrays.copyOf(original, original.length + 10);
        assertThat(readError(longer).code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
    }

    @Test
    void bytesAppendedAfterAFullFinalChunkAreNamed() throws IOException {
        Path full = dir.resolve("full.sql");
        TestBackups.write(full, Compression.NONE, TestBackups.PASSPHRASE, TestBackups.dumpLike(2 * CHUNK, 3));
        byte[] bytes = Files.readAllBytes(full);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + RECORD);
        System.arraycopy(bytes, HEADER, longer, bytes.length, RECORD);
        assertThat(readError(longer)).hasMessageContaining("unexpected bytes after the final chunk");
    }

    @Test
    void swappedChunksAreDetected() throws IOException {
        byte[] swapped = original.clone();
        System.arraycopy(original, HEADER, swapped, HEADER + RECORD, RECORD);
        System.arraycopy(original, HEADER + RECORD, swapped, HEADER, RECORD);
        assertThat(readError(swapped)).hasMessageContaining("chunk 0 failed authentication");
    }

    @Test
    void noPlaintextIsReleasedFromAModifiedChunk() throws IOException {
        byte[] damaged = original.clone();
        damaged[HEADER + 10] ^= 1;
        Files.write(file, damaged);
        // the damage is in chunk 0, so opening (which reads ahead into the first chunk) or the first read fails
        assertThatThrownBy(() -> BackupFileReader.open(file, TestBackups.PASSPHRASE::clone).read())
                .isInstanceOf(MooringException.class);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
    void truncatedCompressedFilesAreCorruption(Compression compression) throws IOException {
        Path compressed = dir.resolve("dump.sql" + compression.extension());
        TestBackups.write(compressed, compression, null, TestBackups.dumpLike(500_000, 4));
        byte[] bytes = Files.readAllBytes(compressed);
        for (int length : new int[] {bytes.length / 3, bytes.length / 2, bytes.length - 3}) {
            Files.write(compressed, Arrays.copyOf(bytes, length));
            MooringException e = catchThrowableOfType(MooringException.class, () -> TestBackups.read(compressed, null));
            assertThat(e).as("%s cut to %d bytes", compression, length).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(e).hasMessageContaining(compressed.toString()).hasMessageContaining("truncated");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"GZIP", "ZSTD"})
    void damagedCompressedDataIsCorruption(Compression compression) throws IOException {
        Path compressed = dir.resolve("dump.sql" + compression.extension());
        TestBackups.write(compressed, compression, null, TestBackups.dumpLike(500_000, 5));
        byte[] bytes = Files.readAllBytes(compressed);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(compressed, bytes);
        MooringException e = catchThrowableOfType(MooringException.class, () -> TestBackups.read(compressed, null));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
    }

    private MooringException readError(byte[] content) throws IOException {
        Files.write(file, content);
        MooringException e = catchThrowableOfType(MooringException.class, () -> TestBackups.read(file, TestBackups.PASSPHRASE));
        assertThat(e).as("reading %d bytes must fail", content.length).isNotNull();
        return e;
    }
}
