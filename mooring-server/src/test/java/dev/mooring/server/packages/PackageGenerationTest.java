package dev.mooring.server.packages;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.PackageGeneration;
import dev.mooring.server.PackageRequest;
import dev.mooring.sync.PackageDigest;
import dev.mooring.sync.PackageFile;
import dev.mooring.sync.PackageManifest;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static dev.mooring.server.packages.PackageFixture.ALICE;
import static dev.mooring.server.packages.PackageFixture.alicesNotes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackageGenerationTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dir;
    PackageFixture f;

    @BeforeEach
    void server() throws Exception {
        f = new PackageFixture(pg.dataSource(), dir);
    }

    @Test
    void aPackageHoldsOneUsersRowsWithAManifestThatDescribesThem() throws Exception {
        f.notes(ALICE, 4);
        f.notes("bob", 3);
        f.server("INSERT INTO tags (id, user_id, name) VALUES ('t1', 'alice', 'a'), ('t2', 'bob', 'b')");

        PackageGeneration g = f.cut(alicesNotes().withRequestedBy("ops"), "notes.mpkg");

        PackageManifest m = g.manifest();
        assertThat(m.type()).isEqualTo("notes");
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.user()).isEqualTo(ALICE);
        assertThat(m.shared()).isFalse();
        assertThat(m.where()).isNull();
        assertThat(m.watermark()).startsWith("c1.");
        assertThat(m.tableNames()).containsExactly("notes", "tags");
        assertThat(m.table("notes").orElseThrow().rows()).isEqualTo(4);
        assertThat(m.table("notes").orElseThrow().columns()).containsExactly("id", "user_id", "title", "body",
                "deleted_at");
        assertThat(m.table("notes").orElseThrow().ownerColumn()).isEqualTo("user_id");
        assertThat(m.table("tags").orElseThrow().rows()).isEqualTo(1);
        assertThat(g.sha256()).isEqualTo(PackageDigest.file(g.file()));
        assertThat(PackageFile.readManifest(g.file())).isEqualTo(m);
        try (PackageFile.Verified v = PackageFile.verify(g.file(), dir); Connection c = v.open();
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM notes WHERE user_id <> 'alice'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
        assertThat(f.serverScalar("SELECT name || '|' || version || '|' || requested_by || '|' || user_id || '|'"
                + " || reused || '|' || array_to_string(tables, ',') || '|' || sha256 || '|' || size_bytes || '|'"
                + " || watermark || '|' || path FROM mooring.package_generations"))
                .isEqualTo("notes|1|ops|alice|false|notes,tags|" + g.sha256() + "|" + g.size() + "|" + m.watermark()
                        + "|" + g.file());
    }

    @Test
    void anUnchangedPackageIsServedFromTheCacheAndAChangeCutsANewGeneration() throws Exception {
        f.notes(ALICE, 3);
        PackageGeneration first = f.cut(alicesNotes(), "notes.mpkg");
        f.notes("bob", 1); // another user's change does not make alice's package stale

        PackageGeneration again = f.cut(alicesNotes(), "notes.mpkg");
        PackageGeneration elsewhere = f.cut(alicesNotes(), "copy.mpkg");

        assertThat(again.reused()).isTrue();
        assertThat(again.sha256()).isEqualTo(first.sha256());
        assertThat(again.manifest()).isEqualTo(first.manifest());
        assertThat(elsewhere.reused()).isTrue();
        assertThat(PackageDigest.file(elsewhere.file())).isEqualTo(first.sha256());

        f.server("UPDATE notes SET title = 'changed' WHERE title = 'note 1'");
        PackageGeneration changed = f.cut(alicesNotes(), "notes.mpkg");

        assertThat(changed.reused()).isFalse();
        assertThat(changed.manifest().version()).isEqualTo(first.manifest().version() + 1);
        assertThat(changed.manifest().id()).isNotEqualTo(first.manifest().id());
        assertThat(changed.sha256()).isNotEqualTo(first.sha256());
        assertThat(f.serverScalar("SELECT string_agg(version || ':' || reused, ',' ORDER BY id)"
                + " FROM mooring.package_generations")).isEqualTo("1:false,1:true,1:true,2:false");
    }

    @Test
    void aDifferentFilterOrOwnerIsNotServedFromAnotherRequestsCache() throws Exception {
        f.notes(ALICE, 2);
        f.notes("bob", 2);
        PackageGeneration alice = f.cut(alicesNotes(), "alice.mpkg");

        PackageGeneration bob = f.cut(PackageRequest.forUser("notes", "bob", "notes", "tags"), "bob.mpkg");
        PackageGeneration filtered = f.cut(alicesNotes().withWhere("user_id = 'alice'"), "filtered.mpkg");

        assertThat(bob.reused()).isFalse();
        assertThat(bob.manifest().user()).isEqualTo("bob");
        assertThat(filtered.reused()).isFalse();
        assertThat(filtered.manifest().where()).isEqualTo("user_id = 'alice'");
        assertThat(List.of(alice, bob, filtered)).extracting(g -> g.manifest().version()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aSharedPackageRefusesOwnedTablesNamingThem() {
        assertThatThrownBy(() -> f.cut(PackageRequest.shared("everything", "holidays", "notes", "tags"), "x.mpkg"))
                .isInstanceOfSatisfying(MooringException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("notes, tags are owned by users");
                });
    }

    @Test
    void aSharedPackageHoldsEveryRowOfItsPublicTables() throws Exception {
        f.server("INSERT INTO holidays (id, name, day) VALUES ('tet', 'Tết', '2026-02-17'), ('nd', 'National Day',"
                + " '2026-09-02')");

        PackageGeneration g = f.cut(PackageRequest.shared("holidays", "holidays"), "holidays.mpkg");

        assertThat(g.manifest().shared()).isTrue();
        assertThat(g.manifest().table("holidays").orElseThrow().rows()).isEqualTo(2);
        assertThat(f.serverScalar("SELECT user_id IS NULL FROM mooring.package_generations")).isEqualTo("t");
    }

    @Test
    void tablesThatAreNotSyncedAreRefused() {
        assertThatThrownBy(() -> f.cut(PackageRequest.forUser("x", ALICE, "notes", "secrets"), "x.mpkg"))
                .isInstanceOfSatisfying(MooringException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("Table secrets is not synced").contains("notes, tags, holidays");
                });
    }

    @Test
    void aFilterThatCouldEscapeItsParenthesesOrEndTheStatementIsRefused() {
        for (String where : List.of("true) OR (true", "1 = 1; DELETE FROM notes", "title = 'x' -- comment",
                "title = 'unclosed", "title = E'\\\\'", "(title = 'a'", "title = $$a$$")) {
            assertThatThrownBy(() -> f.cut(alicesNotes().withWhere(where), "x.mpkg")).as(where)
                    .isInstanceOfSatisfying(MooringException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.USAGE));
        }
        assertThat(f.cut(alicesNotes().withWhere("user_id = 'a)b' OR (user_id LIKE '%(%')"), "ok.mpkg").manifest()
                .where()).isEqualTo("user_id = 'a)b' OR (user_id LIKE '%(%')");
    }

    @Test
    void aFilterRunsReadOnly() throws Exception {
        f.notes(ALICE, 1);
        assertThatThrownBy(() -> f.cut(alicesNotes().withWhere("nextval('mooring.hlc_counter') > 0"), "x.mpkg"))
                .isInstanceOfSatisfying(MooringException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.USAGE);
                    assertThat(e.getMessage()).contains("read-only");
                });
    }
}
