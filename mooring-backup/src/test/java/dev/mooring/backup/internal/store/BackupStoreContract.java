package dev.mooring.backup.internal.store;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link BackupStore} promises, run against each kind: subclasses say how to make a fresh, empty store
 * and how to see partial data that the store's own methods hide.
 */
abstract class BackupStoreContract {
    /** Larger than one S3 part, so that S3 stores go through a multipart upload. */
    static final int MULTIPART_SIZE = 20 * 1024 * 1024;

    BackupStore store;

    /** A new, empty store for one test. */
    abstract BackupStore newStore() throws IOException;

    /** Fails if anything an unfinished write stored is still there (temporary files, multipart uploads). */
    abstract void assertNothingPartialLeft() throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void smallObjectRoundTrips() throws IOException {
        byte[] content = "{\"tables\": 3}\n".getBytes(StandardCharsets.UTF_8);
        store.write("app.manifest.json", out -> out.write(content));

        assertThat(read("app.manifest.json")).isEqualTo(content);
        assertThat(store.list()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("app.manifest.json");
            assertThat(o.size()).isEqualTo(content.length);
        });
    }

    @Test
    void largeStreamRoundTripsByteForByte() throws IOException {
        Random random = new Random(17);
        MessageDigest written = sha256();
        try (StoreOutput out = store.create("app_2026.sql.zst")) {
            // odd block sizes, so that no write lines up with a part or buffer boundary
            byte[] block = new byte[100_003];
            int left = MULTIPART_SIZE;
            while (left > 0) {
                int n = Math.min(left, block.length);
                random.nextBytes(block);
                out.write(block, 0, n);
                written.update(block, 0, n);
                left -= n;
            }
            out.write(42);
            written.update((byte) 42);
        }

        MessageDigest readBack = sha256();
        try (InputStream in = store.open("app_2026.sql.zst")) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                readBack.update(buffer, 0, n);
            }
        }
        assertThat(hex(readBack)).isEqualTo(hex(written));
        assertThat(store.list()).extracting(StoredObject::size).containsExactly(MULTIPART_SIZE + 1L);
    }

    @Test
    void emptyObjectRoundTrips() throws IOException {
        store.create("empty").close();

        assertThat(store.exists("empty")).isTrue();
        assertThat(read("empty")).isEmpty();
        assertThat(store.list()).extracting(StoredObject::size).containsExactly(0L);
    }

    @Test
    void objectIsInvisibleUntilClosed() throws IOException {
        StoreOutput out = store.create("app.sql");
        out.write(new byte[4096]);

        assertThat(store.exists("app.sql")).isFalse();
        assertThat(store.list()).isEmpty();

        out.close();
        assertThat(store.exists("app.sql")).isTrue();
    }

    @Test
    void closingReplacesAnObjectOfTheSameName() throws IOException {
        store.write("app.manifest.json", out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        store.write("app.manifest.json", out -> out.write("new".getBytes(StandardCharsets.UTF_8)));

        assertThat(new String(read("app.manifest.json"), StandardCharsets.UTF_8)).isEqualTo("new");
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void createNewRefusesAnObjectThatAlreadyExists() throws IOException {
        store.write("app.sql", out -> out.write("first".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> store.createNew("app.sql"))
                .isInstanceOfSatisfying(ObjectExistsException.class, e -> assertThat(e.name()).isEqualTo("app.sql"))
                .hasMessageContaining("refusing to overwrite").hasMessageContaining("app.sql");
        assertThat(new String(read("app.sql"), StandardCharsets.UTF_8)).isEqualTo("first");
    }

    @Test
    void createNewDoesNotReplaceASmallObjectThatAppearedDuringTheWrite() throws IOException {
        refusesAnObjectThatAppearedDuringTheWrite(1000);
    }

    @Test
    void createNewDoesNotReplaceALargeObjectThatAppearedDuringTheWrite() throws IOException {
        refusesAnObjectThatAppearedDuringTheWrite(10 * 1024 * 1024); // a multipart upload on S3
    }

    private void refusesAnObjectThatAppearedDuringTheWrite(int size) throws IOException {
        StoreOutput late = store.createNew("app.sql");
        late.write(new byte[size]);
        store.write("app.sql", out -> out.write("winner".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(late::close).isInstanceOf(ObjectExistsException.class).hasMessageContaining("app.sql");
        assertThat(new String(read("app.sql"), StandardCharsets.UTF_8)).isEqualTo("winner");
        assertNothingPartialLeft();
    }

    @Test
    void createNewPublishesWhenNothingIsInTheWay() throws IOException {
        StoreOutput out = store.createNew("app.sql");
        out.write("only".getBytes(StandardCharsets.UTF_8));
        assertThat(store.exists("app.sql")).isFalse();
        out.close();

        assertThat(new String(read("app.sql"), StandardCharsets.UTF_8)).isEqualTo("only");
        assertNothingPartialLeft();
    }

    @Test
    void abortedWriteLeavesNothing() throws IOException {
        StoreOutput out = store.create("app.sql");
        out.write(new byte[10 * 1024 * 1024]);
        out.abort();

        assertThat(store.exists("app.sql")).isFalse();
        assertThat(store.list()).isEmpty();
        assertNothingPartialLeft();
        out.close(); // after abort: nothing to publish, no error
        assertThat(store.exists("app.sql")).isFalse();
    }

    @Test
    void abortedWriteKeepsTheObjectItWouldHaveReplaced() throws IOException {
        store.write("app.manifest.json", out -> out.write("kept".getBytes(StandardCharsets.UTF_8)));
        StoreOutput out = store.create("app.manifest.json");
        out.write(new byte[10 * 1024 * 1024]);
        out.abort();

        assertThat(new String(read("app.manifest.json"), StandardCharsets.UTF_8)).isEqualTo("kept");
        assertNothingPartialLeft();
    }

    @Test
    void writerThatFailsMidwayLeavesNothing() throws IOException {
        IOException failure = new IOException("the database connection dropped");

        assertThatThrownBy(() -> store.write("app.sql", out -> {
            out.write(new byte[10 * 1024 * 1024]);
            throw failure;
        })).isSameAs(failure);

        assertThat(store.exists("app.sql")).isFalse();
        assertThat(store.list()).isEmpty();
        assertNothingPartialLeft();
    }

    @Test
    void writesAfterCloseOrAbortFail() throws IOException {
        StoreOutput closed = store.create("a");
        closed.close();
        StoreOutput aborted = store.create("b");
        aborted.abort();

        assertThatThrownBy(() -> closed.write(1)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> aborted.write(new byte[1])).isInstanceOf(IOException.class).hasMessageContaining("aborted");
    }

    @Test
    void listIsSortedByNameWithSizes() throws IOException {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        for (String name : List.of("b_2026.sql", "a_2026.sql.manifest.json", "a_2026.sql")) {
            store.write(name, out -> out.write(new byte[name.length()]));
        }

        List<StoredObject> objects = store.list();

        assertThat(objects).extracting(StoredObject::name)
                .containsExactly("a_2026.sql", "a_2026.sql.manifest.json", "b_2026.sql");
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.size()).isEqualTo(o.name().length());
            assertThat(o.lastModified()).isAfterOrEqualTo(before).isBeforeOrEqualTo(Instant.now().plusSeconds(1));
        });
    }

    @Test
    void existsAndDelete() throws IOException {
        store.write("app.sql", out -> out.write(1));

        assertThat(store.exists("app.sql")).isTrue();
        assertThat(store.exists("other.sql")).isFalse();

        store.delete("app.sql");
        assertThat(store.exists("app.sql")).isFalse();
        assertThat(store.list()).isEmpty();
        assertThatCode(() -> store.delete("app.sql")).doesNotThrowAnyException();
    }

    @Test
    void openingAMissingObjectNamesIt() {
        assertThatThrownBy(() -> store.open("app_2026-01-01.sql.zst"))
                .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO))
                .hasMessageContaining("app_2026-01-01.sql.zst")
                .hasMessageContaining(store.describe())
                .hasMessageContaining("does not exist");
    }

    @Test
    void cleanUpRemovesWhatAnAbandonedWriteLeft() throws IOException {
        StoreOutput abandoned = store.create("app.sql");
        abandoned.write(new byte[9 * 1024 * 1024]); // more than one S3 part: a multipart upload is under way

        assertThat(store.cleanUpIncomplete(Duration.ofHours(1))).as("too young to be abandoned").isZero();
        assertThat(store.cleanUpIncomplete(Duration.ZERO)).isEqualTo(1);

        assertNothingPartialLeft();
        assertThat(store.list()).isEmpty();
        assertThatCode(abandoned::abort).doesNotThrowAnyException();
    }

    @Test
    void namesThatAreNotPlainObjectNamesAreRefused() {
        for (String name : List.of("", "../app.sql", "sub/app.sql", "sub\\app.sql", ".hidden", "tab\tname", "x".repeat(201))) {
            assertThatThrownBy(() -> store.create(name), name)
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
    }

    byte[] read(String name) throws IOException {
        try (InputStream in = store.open(name)) {
            return in.readAllBytes();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
