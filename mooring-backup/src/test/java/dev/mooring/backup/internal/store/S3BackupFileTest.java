package dev.mooring.backup.internal.store;

import dev.mooring.backup.Compression;
import dev.mooring.backup.internal.file.BackupFileReader;
import dev.mooring.backup.internal.file.BackupFileWriter;
import dev.mooring.backup.internal.file.FileDigest;
import dev.mooring.backup.internal.file.WrittenFile;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backup files written straight into S3 (S3Proxy) by {@link BackupFileWriter} and read back as a stream. */
class S3BackupFileTest {
    @RegisterExtension
    static final S3ProxyServer S3 = new S3ProxyServer();
    static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();

    String bucket;
    S3Store store;

    @BeforeEach
    void openStore() {
        bucket = S3.createBucket();
        store = S3.open(bucket, "backups");
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aLargeEncryptedBackupStreamsIntoAMultipartUploadAndReadsBack() throws IOException {
        byte[] content = new byte[BackupStoreContract.MULTIPART_SIZE];
        new Random(7).nextBytes(content); // incompressible: the object stays larger than one part

        WrittenFile written;
        try (BackupFileWriter writer = BackupFileWriter.create(store, "app.sql.zst.enc", Compression.ZSTD, PASSPHRASE)) {
            OutputStream head = writer.openSegment();
            OutputStream next = writer.openSegment(); // waits for the head, so it buffers
            next.write(content, content.length / 2, content.length - content.length / 2);
            head.write(content, 0, content.length / 2);
            head.close();
            next.close();
            written = writer.finish();
        }

        assertThat(written.path()).isEqualTo(Path.of("app.sql.zst.enc"));
        assertThat(S3.client().headObject(r -> r.bucket(bucket).key("backups/app.sql.zst.enc")).eTag()).contains("-");
        try (InputStream in = store.open("app.sql.zst.enc")) {
            assertThat(FileDigest.sha256(in, "app")).isEqualTo(written.sha256());
        }
        try (InputStream in = BackupFileReader.open(store.open("app.sql.zst.enc"), store.describe("app.sql.zst.enc"),
                PASSPHRASE::clone)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
    }

    @Test
    void aBackupThatIsNotFinishedLeavesNoObjectAndNoUpload() throws IOException {
        byte[] content = new byte[BackupStoreContract.MULTIPART_SIZE];
        new Random(8).nextBytes(content);
        try (BackupFileWriter writer = BackupFileWriter.create(store, "app.sql", Compression.NONE, null)) {
            try (OutputStream out = writer.openStream()) {
                out.write(content); // more than a part: a multipart upload is under way
            }
            assertThat(S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isNotEmpty();
        }

        assertThat(store.list()).isEmpty();
        assertThat(S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void anExistingObjectIsNeverOverwritten() throws IOException {
        store.write("app.sql", out -> out.write("precious".getBytes()));

        assertThatThrownBy(() -> BackupFileWriter.create(store, "app.sql", Compression.NONE, null))
                .isInstanceOf(MooringException.class).hasMessageContaining("refusing to overwrite")
                .hasMessageContaining("s3://" + bucket + "/backups/app.sql");
        try (InputStream in = store.open("app.sql")) {
            assertThat(new String(in.readAllBytes())).isEqualTo("precious");
        }
    }
}
