package dev.mooring.sync;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The package file on its own: written, read back, and refused when any part of it was changed. */
class PackageFileTest {
    static final String ID = "0b8e3c4e-2f7a-4d1e-9c3b-5a6f7e8d9c0b";

    @TempDir
    Path dir;

    @Test
    void aWrittenPackageReadsBackWithEveryDigestChecked() throws Exception {
        Path out = dir.resolve("p.mpkg");
        PackageManifest written = PackageFile.write(manifest(data()), data(), out);

        assertThat(PackageFile.readManifest(out)).isEqualTo(written);
        assertThat(written.dataSize()).isEqualTo(Files.size(data()));
        try (PackageFile.Verified v = PackageFile.verify(out, dir)) {
            assertThat(v.manifest()).isEqualTo(written);
            assertThat(Files.readAllBytes(v.data())).isEqualTo(Files.readAllBytes(data()));
        }
    }

    @Test
    void tableDigestsDependOnValuesAndTheirTypes() throws Exception {
        Path a = database("a.db", "INSERT INTO notes VALUES ('1', 'one', 1), ('2', 'two', 2.5)");
        Path b = database("b.db", "INSERT INTO notes VALUES ('2', 'two', 2.5), ('1', 'one', 1)");
        Path c = database("c.db", "INSERT INTO notes VALUES ('1', 'one', '1'), ('2', 'two', 2.5)");
        assertThat(digest(a)).isEqualTo(digest(b)); // insertion order does not matter
        assertThat(digest(a)).isNotEqualTo(digest(c)); // the integer 1 is not the text '1'
        assertThat(digest(a).rows()).isEqualTo(2);
    }

    @Test
    void aChangedManifestOrDataOrAMissingTailIsRefused() throws Exception {
        Path out = dir.resolve("p.mpkg");
        PackageFile.write(manifest(data()), data(), out);
        byte[] good = Files.readAllBytes(out);
        String text = new String(good, StandardCharsets.ISO_8859_1);
        int inManifest = text.indexOf("\"type\"") + 10;

        assertCorrupt(flip(good, inManifest), "manifest does not match");
        assertCorrupt(flip(good, good.length - 1), "data does not match");
        assertCorrupt(java.util.Arrays.copyOf(good, good.length - 1), "truncated");
        assertCorrupt(java.util.Arrays.copyOf(good, 30), "truncated");
        assertCorrupt("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), "not a Mooring data package");
    }

    @Test
    void aManifestIdThatIsNoUuidIsRefused() {
        assertThatThrownBy(() -> new PackageManifest("../../etc", "t", 1, Instant.EPOCH, null, null, "c1.1.0", null,
                null, null, 0, List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private void assertCorrupt(byte[] bytes, String problem) throws Exception {
        Path bad = Files.write(dir.resolve("bad.mpkg"), bytes);
        assertThatThrownBy(() -> PackageFile.verify(bad, dir)).isInstanceOfSatisfying(MooringException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_CORRUPT);
            assertThat(e.getMessage()).contains(problem);
        });
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("mooring-package-"))).isEmpty();
        }
    }

    private static byte[] flip(byte[] bytes, int at) {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x20;
        return copy;
    }

    private Path data() throws Exception {
        Path db = dir.resolve("data.db");
        return Files.exists(db) ? db : database("data.db", "INSERT INTO notes VALUES ('1', 'one', 1)");
    }

    private PackageManifest manifest(Path data) throws Exception {
        PackageDigest.TableDigest d = digest(data);
        return new PackageManifest(ID, "notes", 1, Instant.parse("2026-01-01T00:00:00Z"), "alice", null, "c1.10.0",
                "1", null, null, 0, List.of(new PackageManifest.Table("notes", "user_id", List.of("id", "title", "n"),
                d.rows(), d.deleted(), d.sha256())));
    }

    private Path database(String name, String insert) throws Exception {
        Path db = dir.resolve(name);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id TEXT PRIMARY KEY, title, n)");
            s.execute("CREATE TABLE " + PackageFile.ROW_VERSIONS + " (table_name TEXT, id TEXT, hlc TEXT)");
            s.execute(insert);
        }
        return db;
    }

    private static PackageDigest.TableDigest digest(Path db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return PackageDigest.table(c, "notes", List.of("id", "title", "n"));
        }
    }

}
