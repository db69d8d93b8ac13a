package dev.mooring.backup;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The WAL archive through its public API, in a folder and in S3 (S3Proxy): round trips, retries, conflicts. */
class WalArchiveTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();

    static final String SEGMENT = "000000010000000000000003";

    @TempDir
    Path dir;

    BackupConfig folderConfig() {
        return BackupConfig.defaults().withDir(dir.resolve("backups")).withEnvironment(Map.of());
    }

    Path walFile(String name, long seed) throws Exception {
        Path pgWal = Files.createDirectories(dir.resolve("pg_wal"));
        byte[] bytes = new byte[1 << 20];
        new Random(seed).nextBytes(bytes);
        // WAL is mostly compressible: zero the second half as a real segment's tail is
        java.util.Arrays.fill(bytes, bytes.length / 2, bytes.length, (byte) 0);
        return Files.write(pgWal.resolve(name), bytes);
    }

    @Test
    void aPushedSegmentFetchesBackByteForByteIntoItsOwnSubFolder() throws Exception {
        Path wal = walFile(SEGMENT, 1);
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            WalPushResult pushed = archive.push(wal);
            assertThat(pushed.alreadyArchived()).isFalse();
            assertThat(pushed.bytes()).isEqualTo(Files.size(wal));
            assertThat(pushed.storedBytes()).isPositive().isLessThan(Files.size(wal));
            assertThat(dir.resolve("backups/wal/" + SEGMENT)).isRegularFile();
            assertThat(archive.names()).containsExactly(SEGMENT);

            Path restoreDir = Files.createDirectories(dir.resolve("restore/pg_wal"));
            WalFetchResult fetched = archive.fetch(SEGMENT, restoreDir.resolve("RECOVERYXLOG"));
            assertThat(fetched.found()).isTrue();
            assertThat(Files.readAllBytes(restoreDir.resolve("RECOVERYXLOG"))).isEqualTo(Files.readAllBytes(wal));
            assertThat(Files.list(restoreDir)).containsExactly(restoreDir.resolve("RECOVERYXLOG"));
        }
        // the dumps' listing does not see the WAL
        assertThat(Files.list(dir.resolve("backups")).map(p -> p.getFileName().toString())).containsExactly("wal");
    }

    @Test
    void pushingTheSameSegmentAgainSucceedsAndWritesNothing() throws Exception {
        Path wal = walFile(SEGMENT, 2);
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            archive.push(wal);
            long before = Files.getLastModifiedTime(dir.resolve("backups/wal/" + SEGMENT)).toMillis();
            WalPushResult again = archive.push(wal);
            assertThat(again.alreadyArchived()).isTrue();
            assertThat(Files.getLastModifiedTime(dir.resolve("backups/wal/" + SEGMENT)).toMillis()).isEqualTo(before);
        }
    }

    @Test
    void pushingDifferentContentUnderAnArchivedNameFailsAndKeepsTheArchivedFile() throws Exception {
        Path wal = walFile(SEGMENT, 3);
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            archive.push(wal);
            byte[] archived = Files.readAllBytes(dir.resolve("backups/wal/" + SEGMENT));
            Path other = walFile(SEGMENT, 4);
            assertThatThrownBy(() -> archive.push(other))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                    .hasMessageContaining("WAL file " + SEGMENT + " is already archived")
                    .hasMessageContaining("different content")
                    .hasMessageContaining("Refusing to overwrite");
            assertThat(Files.readAllBytes(dir.resolve("backups/wal/" + SEGMENT))).isEqualTo(archived);
        }
    }

    @Test
    void concurrentPushesOfOneSegmentAllSucceedAndOneWrites() throws Exception {
        Path wal = walFile(SEGMENT, 5);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            List<Future<WalPushResult>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<WalPushResult>) () -> archive.push(wal)));
            }
            int written = 0;
            for (Future<WalPushResult> r : results) {
                written += r.get().alreadyArchived() ? 0 : 1;
            }
            assertThat(written).isEqualTo(1);
            Path back = dir.resolve("back");
            assertThat(archive.fetch(SEGMENT, back).found()).isTrue();
            assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(wal));
        } finally {
            pool.shutdownNow();
        }
        // no temporary file was left behind by the pushes that lost
        assertThat(Files.list(dir.resolve("backups/wal")).map(p -> p.getFileName().toString())).containsExactly(SEGMENT);
    }

    @Test
    void fetchingAFileTheArchiveDoesNotHoldReportsNotFoundAndWritesNothing() throws Exception {
        walFile(SEGMENT, 6);
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            archive.push(dir.resolve("pg_wal/" + SEGMENT));
            WalFetchResult missing = archive.fetch("00000002.history", dir.resolve("pg_wal/RECOVERYHISTORY"));
            assertThat(missing.found()).isFalse();
            assertThat(dir.resolve("pg_wal/RECOVERYHISTORY")).doesNotExist();
        }
    }

    @Test
    void aDamagedArchivedSegmentIsRefusedAndTheDestinationIsNotWritten() throws Exception {
        Path wal = walFile(SEGMENT, 7);
        try (WalArchive archive = WalArchive.open(folderConfig().withCompression(Compression.NONE))) {
            archive.push(wal);
            Path stored = dir.resolve("backups/wal/" + SEGMENT);
            byte[] bytes = Files.readAllBytes(stored);
            bytes[bytes.length - 10] ^= 0x55;
            Files.write(stored, bytes);
            Path target = dir.resolve("RECOVERYXLOG");
            assertThatThrownBy(() -> archive.fetch(SEGMENT, target))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_CORRUPT))
                    .hasMessageContaining(SEGMENT).hasMessageContaining("damaged");
            assertThat(target).doesNotExist();
            assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void namesThatAreNotWalFilesAreRefused() throws Exception {
        Path notWal = Files.writeString(dir.resolve("postgresql.conf"), "x");
        try (WalArchive archive = WalArchive.open(folderConfig())) {
            assertThatThrownBy(() -> archive.push(notWal)).hasMessageContaining("'postgresql.conf' is not the name of a WAL file")
                    .hasMessageContaining("archive_command must pass %p");
            assertThatThrownBy(() -> archive.fetch("../etc/passwd", dir.resolve("x")))
                    .hasMessageContaining("restore_command must pass %f %p");
        }
    }

    @Test
    void anEncryptedArchiveRoundTripsInS3AndNeedsThePassphrase() throws Exception {
        String bucket = S3.createBucket();
        Map<String, String> env = new HashMap<>(S3.environment());
        env.put(BackupConfig.PASSPHRASE_VARIABLE, "correct horse battery staple");
        BackupConfig config = BackupConfig.defaults().withEnvironment(env).withEncrypt(true)
                .withLocation(BackupLocation.parse("s3://" + bucket + "/pg", new S3Options(Optional.of(S3.endpoint()),
                        true, Optional.empty())));
        Path wal = walFile(SEGMENT, 8);
        Path history = Files.writeString(dir.resolve("pg_wal/00000002.history"), "1\t0/3000000\tno recovery target specified\n");
        try (WalArchive archive = WalArchive.open(config)) {
            assertThat(archive.push(wal).where()).isEqualTo("s3://" + bucket + "/pg/wal/" + SEGMENT);
            archive.push(history);
            assertThat(archive.push(wal).alreadyArchived()).isTrue();
            assertThat(archive.names()).containsExactly(SEGMENT, "00000002.history");
            assertThat(archive.fetch(SEGMENT, dir.resolve("back")).bytes()).isEqualTo(Files.size(wal));
            assertThat(Files.readAllBytes(dir.resolve("back"))).isEqualTo(Files.readAllBytes(wal));
        }
        env.put(BackupConfig.PASSPHRASE_VARIABLE, "wrong");
        try (WalArchive archive = WalArchive.open(config.withEnvironment(env))) {
            assertThatThrownBy(() -> archive.fetch(SEGMENT, dir.resolve("again")))
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE));
            assertThat(dir.resolve("again")).doesNotExist();
        }
    }
}
