package dev.mooring.backup;

import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.PostgresDatabaseExtension;
import dev.mooring.testing.S3ProxyExtension;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backups kept in an S3 bucket (S3Proxy) through the public API: the same backups, restores and rules as a folder's. */
class S3BackupsTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = new S3ProxyExtension();
    @RegisterExtension
    static final PostgresDatabaseExtension pg = PostgresDatabaseExtension.perClass();
    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    String bucket;

    @BeforeEach
    void createBucket() {
        bucket = S3.createBucket();
    }

    BackupLocation location(String bucket) {
        return BackupLocation.parse("s3://" + bucket + "/db/backups", new S3Options(Optional.of(S3.endpoint()), true,
                Optional.empty()));
    }

    BackupConfig config() {
        Map<String, String> env = new HashMap<>(SqliteBackupTest.ENV);
        env.putAll(S3.environment());
        return BackupConfig.defaults().withLocation(location(bucket)).withEnvironment(env);
    }

    List<String> keys() {
        return S3.client().listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(S3Object::key).toList();
    }

    @Test
    void anEncryptedSqliteBackupRoundTripsThroughTheBucket() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config().withEncrypt(true)).backup();

        assertThat(keys()).containsExactlyInAnyOrder("db/backups/" + m.file(), "db/backups/" + m.file() + ".manifest.json");
        assertThat(Backups.create(sqlite.url(), config()).latestName()).isEqualTo(m.file());

        VerifyResult v = Backups.verifyNamed(m.file(), true, null, config());
        assertThat(v.problems()).isEmpty();
        assertThat(v.file()).isEqualTo(Path.of(m.file()));

        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("restored.db").toString());
        RestoreResult r = Backups.create(restored, config()).restoreNamed(null, RestoreOptions.defaults());
        assertThat(r.totalRows()).isEqualTo(m.totalRows());
        assertThat(SqliteBackupTest.summaries(restored)).isEqualTo(SqliteBackupTest.summaries(sqlite.url()));

        // the verification is recorded in the manifest in the bucket, which prune then relies on
        PruneResult pruned = Backups.prune(config(), new RetentionPolicy(0, 0), false);
        assertThat(pruned.kept()).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo("verified"));
    }

    @Test
    void aSnapshotAKilledBackupLeftNextToTheDatabaseIsRemovedOnceADayOld() throws Exception {
        SqliteFixture.create(sqlite.url());
        Path folder = sqlite.url().sqliteFile().toAbsolutePath().getParent();
        Path abandoned = Files.writeString(folder.resolve(".mooring-snapshot-123.sqlite"), "a killed backup's copy");
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        Path recent = Files.writeString(folder.resolve(".mooring-snapshot-456.sqlite"), "a running backup's copy");

        Backups.create(sqlite.url(), config()).backup();

        assertThat(abandoned).doesNotExist();
        assertThat(recent).exists(); // it may belong to a backup still running
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".mooring-snapshot-")))
                    .containsExactly(".mooring-snapshot-456.sqlite");
        }
    }

    @Test
    void aPostgresBackupRoundTripsThroughTheBucketAndVerifiesByRestoring() throws Exception {
        PostgresBackupTest.execute(pg.dataSource(), "CREATE TABLE IF NOT EXISTS s3_items (id int PRIMARY KEY, name text);"
                + " TRUNCATE s3_items; INSERT INTO s3_items SELECT g, 'item ' || g FROM generate_series(1, 500) g");
        BackupManifest m = Backups.create(pg.url(), config().withJobs(2)).backup();

        VerifyResult v = Backups.verifyNamed(m.file(), true, scratch(), config());
        assertThat(v.problems()).isEmpty();
        assertThat(v.restored()).isTrue();

        String target = pg.databaseName() + "_from_s3";
        pg.server().createDatabaseIfMissing(target);
        try {
            RestoreResult r = Backups.create(pg.server().url(target), config()).restoreNamed(m.file(),
                    RestoreOptions.defaults());
            assertThat(r.tables()).filteredOn(t -> t.table().equals("public.s3_items")).singleElement()
                    .extracting(TableSummary::rows).isEqualTo(500L);
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void aBackupThatFailsMidUploadLeavesNothingToRestoreAndNoUpload() throws Exception {
        // more than one 8 MiB part uncompressed, so the upload is a multipart one when the backup fails
        PostgresBackupTest.execute(pg.dataSource(), "CREATE TABLE IF NOT EXISTS s3_big (id int PRIMARY KEY, body text);"
                + " TRUNCATE s3_big; INSERT INTO s3_big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 150000) g");
        BackupProgress failing = new BackupProgress() {
            private long bytes;

            @Override
            public synchronized void advanced(long rows, long more) {
                bytes += more;
                if (bytes > 12L * 1024 * 1024) {
                    throw new IllegalStateException("the backup was stopped");
                }
            }
        };
        try {
            assertThatThrownBy(() -> Backups.create(pg.url(), config().withCompression(Compression.NONE))
                    .withProgress(failing).backup()).hasMessageContaining("the backup was stopped");

            assertThat(keys()).isEmpty();
            assertThat(S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
            assertThatThrownBy(() -> Backups.create(pg.url(), config()).latestName())
                    .hasMessageContaining("There is no complete backup");
        } finally {
            PostgresBackupTest.execute(pg.dataSource(), "DROP TABLE s3_big");
        }
    }

    @Test
    void anInterruptedUploadIsRemovedByPruneOnceAbandoned() {
        S3.client().createMultipartUpload(r -> r.bucket(bucket).key("db/backups/app_2026-01-01T00-00-00-000Z.sql.zst"));

        PruneResult young = Backups.prune(config(), new RetentionPolicy(7, 0), false);
        assertThat(young.abandonedRemoved()).isZero();
        PruneResult abandoned = Backups.prune(config(), new RetentionPolicy(7, 0, Duration.ZERO), false);

        assertThat(abandoned.abandonedRemoved()).isEqualTo(1);
        assertThat(S3.client().listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void pruneInTheBucketKeepsTheNewestVerifiedBackup() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest verified = Backups.create(sqlite.url(), config()).backup();
        assertThat(Backups.verifyNamed(verified.file(), false, null, config()).passed()).isTrue();
        BackupManifest unverified = Backups.create(sqlite.url(), config()).backup();

        PruneResult r = Backups.prune(config(), new RetentionPolicy(0, 0), false);

        assertThat(r.kept()).extracting(d -> d.file().toString()).containsExactly(verified.file());
        assertThat(r.deleted()).extracting(d -> d.file().toString()).containsExactly(unverified.file());
        assertThat(keys()).containsExactlyInAnyOrder("db/backups/" + verified.file(),
                "db/backups/" + verified.file() + ".manifest.json");
    }

    @Test
    void aCopyInAFolderAndTheBucketAreTheSameBackup() throws Exception {
        SqliteFixture.create(sqlite.url());
        Path folder = sqlite.folder().resolve("dumps");
        BackupConfig local = config().withDir(folder);
        BackupManifest m = Backups.create(sqlite.url(), local).backup();

        Backups.copy(m.file(), local, location(bucket));

        assertThat(keys()).containsExactlyInAnyOrder("db/backups/" + m.file(), "db/backups/" + m.file() + ".manifest.json");
        assertThat(Backups.verifyNamed(m.file(), false, null, config()).passed()).isTrue();
        assertThatThrownBy(() -> Backups.copy(m.file(), local, location(bucket)))
                .hasMessageContaining("refusing to overwrite");
    }

    @Test
    void wrongCredentialsAreAClearErrorThatNeverShowsTheSecret() {
        String secret = "not-the-secret-Qw7Xz";
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", S3ProxyExtension.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", secret);

        assertThatThrownBy(() -> Backups.prune(config().withEnvironment(env), new RetentionPolicy(1, 0), true))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION))
                .hasMessageContaining("refused the credentials for bucket " + bucket)
                .hasMessageNotContaining(secret);
    }

    @Test
    void aBucketThatDoesNotExistIsAClearError() throws Exception {
        SqliteFixture.create(sqlite.url());

        assertThatThrownBy(() -> Backups.create(sqlite.url(), config().withLocation(location("no-such-bucket"))).backup())
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("bucket no-such-bucket does not exist");
    }

    ScratchServer scratch() {
        return PostgresBackupTest.scratchOn(pg.server());
    }
}
