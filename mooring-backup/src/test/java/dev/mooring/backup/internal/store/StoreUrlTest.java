package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreUrlTest {

    @Test
    void plainPathIsAFolder() {
        assertThat(StoreUrl.parse("backups/daily")).isEqualTo(new StoreUrl.Folder(Path.of("backups/daily")));
        assertThat(StoreUrl.parse("/var/backups")).isEqualTo(new StoreUrl.Folder(Path.of("/var/backups")));
    }

    @Test
    void s3UrlNamesBucketAndPrefix() {
        assertThat(StoreUrl.parse("s3://my-bucket/some/prefix")).isEqualTo(new StoreUrl.S3("my-bucket", "some/prefix"));
        assertThat(StoreUrl.parse("S3://my-bucket/some/prefix/")).isEqualTo(new StoreUrl.S3("my-bucket", "some/prefix"));
        assertThat(StoreUrl.parse("s3://my-bucket")).isEqualTo(new StoreUrl.S3("my-bucket", ""));
        assertThat(StoreUrl.parse("s3://my-bucket/")).isEqualTo(new StoreUrl.S3("my-bucket", ""));
    }

    @Test
    void locationTakesTheOptions() {
        S3Options options = S3Options.DEFAULT.withEndpoint(URI.create("http://localhost:9000")).withPathStyle(true).withRegion("eu-west-1");

        S3Location location = ((StoreUrl.S3) StoreUrl.parse("s3://my-bucket/db")).at(options);

        assertThat(location).isEqualTo(new S3Location("my-bucket", "db", Optional.of(URI.create("http://localhost:9000")),
                true, Optional.of("eu-west-1")));
        assertThat(location.key("app.sql")).isEqualTo("db/app.sql");
        assertThat(location.describe()).isEqualTo("s3://my-bucket/db at http://localhost:9000");
        assertThat(S3Location.of("my-bucket", "", S3Options.DEFAULT).key("app.sql")).isEqualTo("app.sql");
        assertThat(S3Location.of("my-bucket", "", S3Options.DEFAULT).describe()).isEqualTo("s3://my-bucket");
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> StoreUrl.parse("s3://AKIAEXAMPLE:s3cr3t/Value@my-bucket/db"))
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
        assertThatThrownBy(() -> StoreUrl.parse("gs://my-bucket/db"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining("'gs://' is not supported");
    }

    @Test
    void invalidBucketsAndPrefixesAreRefused() {
        for (String url : new String[] {"s3://", "s3://My_Bucket/db", "s3://ab", "s3://my-bucket//db", "s3://my-bucket/a/../b",
                "s3://my-bucket/db?versionId=1"}) {
            assertThatThrownBy(() -> StoreUrl.parse(url), url)
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
        try (BackupStore store = StoreUrl.open(dir.toString(), S3Options.DEFAULT)) {
            assertThat(store).isInstanceOf(FolderStore.class);
            assertThat(store.describe()).isEqualTo(dir.toString());
        }
    }

    @Test
    void s3OptionsForAFolderAreAMistake(@TempDir Path dir) {
        assertThatThrownBy(() -> StoreUrl.open(dir.toString(), S3Options.DEFAULT.withPathStyle(true)))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
    }
}
