package dev.mooring.backup.internal.store;

import dev.mooring.backup.S3Options;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class S3LocationTest {

    @Test
    void objectsAreKeptUnderThePrefix() {
        assertThat(S3Location.of("my-bucket", "db", S3Options.DEFAULT).key("app.sql")).isEqualTo("db/app.sql");
        assertThat(S3Location.of("my-bucket", "", S3Options.DEFAULT).key("app.sql")).isEqualTo("app.sql");
        assertThat(S3Location.of("my-bucket", "db", S3Options.DEFAULT).url("app.sql")).isEqualTo("s3://my-bucket/db/app.sql");
    }
}
