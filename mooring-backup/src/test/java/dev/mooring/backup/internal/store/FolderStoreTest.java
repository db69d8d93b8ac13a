package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FolderStoreTest extends BackupStoreContract {
    @TempDir
    Path temp;
    Path dir;

    @Override
    BackupStore newStore() {
        dir = temp.resolve("backups");
        return FolderStore.open(dir);
    }

    @Override
    void assertNothingPartialLeft() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void firstWriteCreatesTheFolder() throws IOException {
        assertThat(dir).doesNotExist();

        store.write("app.sql", out -> out.write(1));

        assertThat(dir.resolve("app.sql")).hasBinaryContent(new byte[] {1});
    }

    @Test
    void listingAMissingFolderSaysSo() {
        assertThatThrownBy(store::list)
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIGURATION))
                .hasMessageContaining(dir.toString());
        assertThat(store.exists("app.sql")).isFalse();
        assertThat(store.cleanUpIncomplete(java.time.Duration.ZERO)).isZero();
    }

    @Test
    void listSkipsFoldersHiddenFilesAndWritesInProgress() throws IOException {
        store.write("app.sql", out -> out.write(1));
        Files.createDirectories(dir.resolve("older"));
        Files.writeString(dir.resolve("older").resolve("app_2025.sql"), "x");
        Files.writeString(dir.resolve(".DS_Store"), "x");
        StoreOutput inProgress = store.create("next.sql");
        inProgress.write(new byte[100]);

        assertThat(store.list()).extracting(StoredObject::name).containsExactly("app.sql");
        inProgress.abort();
    }

    @Test
    void objectsAreReadableByTheOwnerOnly() throws IOException {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        StoreOutput out = store.create("app.sql");
        out.write(1);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).singleElement().satisfies(temp ->
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(temp))).isEqualTo("rw-------"));
        }
        out.close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("app.sql")))).isEqualTo("rw-------");
    }

    @Test
    void describeIsTheFolder() {
        assertThat(store.describe()).isEqualTo(dir.toAbsolutePath().normalize().toString());
    }
}
