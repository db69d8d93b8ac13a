package dev.mooring.backup;

import dev.mooring.backup.internal.store.BackupStore;
import dev.mooring.backup.internal.store.FolderStore;
import dev.mooring.backup.internal.store.S3Location;
import dev.mooring.backup.internal.store.Stores;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupLocationTest {

    @Test
    void plainPathIsAFolder() {
        assertThat(BackupLocation.parse("backups/daily")).isEqualTo(new BackupLocation.Folder(Path.of("backups/daily")));
        assertThat(BackupLocation.parse("/var/backups")).isEqualTo(new BackupLocation.Folder(Path.of("/var/backups")));
    }

    @Test
    void s3UrlNamesBucketAndPrefix() {
        assertThat(BackupLocation.parse("s3://my-bucket/some/prefix")).isEqualTo(s3("my-bucket", "some/prefix"));
        assertThat(BackupLocation.parse("S3://my-bucket/some/prefix/")).isEqualTo(s3("my-bucket", "some/prefix"));
        assertThat(BackupLocation.parse("s3://my-bucket")).isEqualTo(s3("my-bucket", ""));
        assertThat(BackupLocation.parse("s3://my-bucket/")).isEqualTo(s3("my-bucket", ""));
    }

    @Test
    void locationTakesTheOptions() {
        S3Options options = S3Options.DEFAULT.withEndpoint(URI.create("http://localhost:9000")).withPathStyle(true).withRegion("eu-west-1");

        BackupLocation location = BackupLocation.parse("s3://my-bucket/db", options);

        assertThat(S3Location.of((BackupLocation.S3) location)).isEqualTo(new S3Location("my-bucket", "db",
                Optional.of(URI.create("http://localhost:9000")), true, Optional.of("eu-west-1")));
        assertThat(location.describe()).isEqualTo("s3://my-bucket/db at http://localhost:9000");
        assertThat(BackupLocation.parse("s3://my-bucket").describe()).isEqualTo("s3://my-bucket");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> BackupLocation.parse("s3://AKIAEXAMPLE:s3cr3t/Value@my-bucket/db"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("AWS_ACCESS_KEY_ID")
                .hasMessageNotContaining("s3cr3t")
                .hasMessageNotContaining("AKIAEXAMPLE");
        assertThatThrownBy(() -> S3Options.DEFAULT.withEndpoint(URI.create("https://key:s3cr3t@s3.example.com")))
                .isInstanceOf(MooringException.class)
                .hasMessageNotContaining("s3cr3t");
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> BackupLocation.parse("gs://my-bucket/db"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("'gs://' is not supported");
    }

    @Test
    void invalidBucketsAndPrefixesAreRefused() {
        for (String url : new String[] {"s3://", "s3://My_Bucket/db", "s3://ab", "s3://my-bucket//db", "s3://my-bucket/a/../b",
                "s3://my-bucket/db?versionId=1"}) {
            assertThatThrownBy(() -> BackupLocation.parse(url), url)
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION));
        }
    }

    @Test
    void invalidOptionsAreRefused() {
        assertThatThrownBy(() -> S3Options.DEFAULT.withEndpoint(URI.create("localhost:9000")))
                .isInstanceOf(MooringException.class).hasMessageContaining("--s3-endpoint");
        assertThatThrownBy(() -> S3Options.DEFAULT.withRegion("EU West"))
                .isInstanceOf(MooringException.class).hasMessageContaining("--s3-region");
    }

    @Test
    void openGivesAFolderStoreForAPath(@TempDir Path dir) {
        try (BackupStore store = Stores.open(BackupLocation.parse(dir.toString(), S3Options.DEFAULT), Map.of())) {
            assertThat(store).isInstanceOf(FolderStore.class);
            assertThat(store.describe()).isEqualTo(dir.toString());
        }
    }

    @Test
    void s3OptionsForAFolderAreAMistake(@TempDir Path dir) {
        assertThatThrownBy(() -> BackupLocation.parse(dir.toString(), S3Options.DEFAULT.withPathStyle(true)))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }

    static BackupLocation.S3 s3(String bucket, String prefix) {
        return new BackupLocation.S3(bucket, prefix, S3Options.DEFAULT);
    }
}
