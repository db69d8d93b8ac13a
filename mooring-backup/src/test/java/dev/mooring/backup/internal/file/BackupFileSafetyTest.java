package dev.mooring.backup.internal.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.mooring.backup.Compression;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupFileSafetyTest {
    @TempDir
    Path dir;

    @Test
    void partialAndFinishedFilesAreOwnerOnly() throws IOException {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        Path file = dir.resolve("db.sql.zst");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.ZSTD, null)) {
            assertThat(permissions(dir.resolve("db.sql.zst.partial"))).isEqualTo("rw-------");
            try (OutputStream out = writer.openStream()) {
                out.write(TestBackups.dumpLike(1000, 1));
            }
            writer.finish();
        }
        assertThat(permissions(file)).isEqualTo("rw-------");
    }

    @Test
    void spilledTempFilesAreOwnerOnly() throws IOException {
        assumeThat(dir.getFileSystem().supportedFileAttributeViews()).contains("posix");
        try (BackupFileWriter writer = BackupFileWriter.create(dir.resolve("db.sql"), Compression.NONE, null,
                TestBackups.FAST_ITERATIONS, 1024)) {
            OutputStream head = writer.openSegment();
            OutputStream later = writer.openSegment();
            later.write(TestBackups.dumpLike(100_000, 2));
            List<Path> temps = files(".segment");
            assertThat(temps).hasSize(1);
            assertThat(permissions(temps.get(0))).isEqualTo("rw-------");
            head.close();
            later.close();
            writer.finish();
        }
        assertThat(files(".segment")).isEmpty();
    }

    @Test
    void anExistingTargetIsNeverOverwritten() throws IOException {
        Path file = dir.resolve("db.sql.gz");
        Files.writeString(file, "precious");
        MooringException e = catchThrowableOfType(MooringException.class,
                () -> BackupFileWriter.create(file, Compression.GZIP, null));
        assertThat(e.code()).isEqualTo(ErrorCode.IO);
        assertThat(e).hasMessageContaining("refusing to overwrite");
        assertThat(Files.readString(file)).isEqualTo("precious");
        assertThat(files(".partial")).isEmpty();
    }

    @Test
    void aTargetThatAppearsDuringTheBackupIsNotOverwritten() throws IOException {
        Path file = dir.resolve("db.sql");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.NONE, null)) {
            try (OutputStream out = writer.openStream()) {
                out.write(1);
            }
            Files.writeString(file, "another backup");
            MooringException e = catchThrowableOfType(MooringException.class, writer::finish);
            assertThat(e.code()).isEqualTo(ErrorCode.IO);
        }
        assertThat(Files.readString(file)).isEqualTo("another backup");
        assertThat(files(".partial")).isEmpty();
    }

    @Test
    void aLeftoverPartialFileIsReportedNotReused() throws IOException {
        Files.writeString(dir.resolve("db.sql.partial"), "half");
        MooringException e = catchThrowableOfType(MooringException.class,
                () -> BackupFileWriter.create(dir.resolve("db.sql"), Compression.NONE, null));
        assertThat(e.code()).isEqualTo(ErrorCode.IO);
        assertThat(e).hasMessageContaining("delete it if no backup is running");
    }

    @Test
    void closingWithoutFinishLeavesNoFiles() throws IOException {
        try (BackupFileWriter writer = BackupFileWriter.create(dir.resolve("db.sql.zst"), Compression.ZSTD,
                TestBackups.PASSPHRASE, TestBackups.FAST_ITERATIONS, 1024)) {
            writer.openSegment().write(TestBackups.dumpLike(10_000, 3));
            OutputStream spilled = writer.openSegment();
            spilled.write(TestBackups.dumpLike(200_000, 4));
            spilled.close();
            assertThat(files(".segment")).isNotEmpty();
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void anEmptyPassphraseIsRefusedBeforeAnyFileIsCreated() {
        MooringException e = catchThrowableOfType(MooringException.class,
                () -> BackupFileWriter.create(dir.resolve("db.sql"), Compression.NONE, new char[0]));
        assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
        assertThat(files(".partial")).isEmpty();
    }

    @Test
    void passphraseComesFromTheEnvironmentOrFailsClearly() {
        assertThat(Passphrase.fromEnvironment(Map.of("MOORING_BACKUP_PASSPHRASE", "s3cret"))).containsExactly('s', '3', 'c', 'r', 'e', 't');
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("MOORING_BACKUP_PASSPHRASE", ""))) {
            MooringException e = catchThrowableOfType(MooringException.class, () -> Passphrase.fromEnvironment(env));
            assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
            assertThat(e).hasMessageContaining("MOORING_BACKUP_PASSPHRASE");
        }
    }

    @Test
    void fileDigestIsTheSha256OfTheBytes() throws Exception {
        byte[] content = TestBackups.dumpLike(3_000_000, 5);
        Path file = dir.resolve("any.bin");
        Files.write(file, content);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertThat(FileDigest.sha256(file)).isEqualTo(expected);
    }

    @Test
    void aDefaultWriterUsesTheFullKdfCostAndReadsBack() throws IOException {
        Path file = dir.resolve("default.sql.gz");
        try (BackupFileWriter writer = BackupFileWriter.create(file, Compression.GZIP, TestBackups.PASSPHRASE)) {
            try (OutputStream out = writer.openStream()) {
                out.write("SELECT 1;\n".getBytes());
            }
            writer.finish();
        }
        byte[] head = Files.readAllBytes(file);
        assertThat(EncryptionHeader.parse(head, head.length, file).iterations()).isEqualTo(600_000);
        assertThat(new String(TestBackups.read(file, TestBackups.PASSPHRASE))).isEqualTo("SELECT 1;\n");
    }

    private List<Path> files(String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
