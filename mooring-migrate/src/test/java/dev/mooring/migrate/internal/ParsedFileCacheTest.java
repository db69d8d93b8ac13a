package dev.mooring.migrate.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ParsedFileCacheTest {
    @TempDir
    Path dir;

    MigrationScript scanOne() {
        return MigrationScanner.scan(List.of(dir.toString()), getClass().getClassLoader()).migrations().get(0);
    }

    @Test
    void anUnchangedSettledFileIsReusedAndAnEditIsSeenEvenAtTheSameSize() throws Exception {
        Path file = dir.resolve("001_a.sql");
        Files.writeString(file, "CREATE TABLE a (id integer);\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        MigrationScript first = scanOne();
        assertThat(scanOne()).isSameAs(first); // served from the cache

        Files.writeString(file, "CREATE TABLE b (id integer);\n"); // same size
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(30))));
        MigrationScript edited = scanOne();
        assertThat(edited.up()).contains("TABLE b");
        assertThat(edited.checksum()).isNotEqualTo(first.checksum());
    }

    @Test
    void aRecentlyModifiedFileIsNeverCachedSoASameTickSameSizeEditIsSeen() throws Exception {
        Path file = dir.resolve("001_a.sql");
        FileTime now = FileTime.from(Instant.now());
        Files.writeString(file, "CREATE TABLE a (id integer);\n");
        Files.setLastModifiedTime(file, now);
        assertThat(scanOne().up()).contains("TABLE a");

        Files.writeString(file, "CREATE TABLE c (id integer);\n"); // same size, same timestamp: looks untouched
        Files.setLastModifiedTime(file, now);
        assertThat(scanOne().up()).contains("TABLE c");
    }
}
