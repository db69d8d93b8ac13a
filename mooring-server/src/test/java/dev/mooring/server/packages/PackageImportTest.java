package dev.mooring.server.packages;

import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.server.InProcessTransport;
import dev.mooring.server.PackageGeneration;
import dev.mooring.sync.CursorPosition;
import dev.mooring.sync.client.ImportResult;
import dev.mooring.sync.client.LocalPackage;
import dev.mooring.sync.client.PackageImport;
import dev.mooring.sync.client.PackageSource;
import dev.mooring.sync.client.SyncClient;
import dev.mooring.sync.client.SyncReport;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

import static dev.mooring.server.packages.PackageFixture.ALICE;
import static dev.mooring.server.packages.PackageFixture.alicesNotes;
import static dev.mooring.server.packages.PackageFixture.exec;
import static dev.mooring.server.packages.PackageFixture.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PackageImportTest {
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
    void anImportedPackageIsSyncedDataAndSyncContinuesFromItsWatermark() throws Exception {
        f.notes(ALICE, 5);
        f.notes("bob", 2);
        f.server("INSERT INTO tags (id, user_id, name) VALUES ('t1', 'alice', 'work')");
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        try (SyncClient phone = f.notesClient("phone"); InProcessTransport alice = f.transport(ALICE)) {
            ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.written()).containsEntry("notes", 5L).containsEntry("tags", 1L);
            assertThat(result.cursorMoved()).as(result.cursorNote()).isTrue();
            assertThat(result.cursor()).isEqualTo(g.manifest().watermark());
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE sync_status = 'synced'")).isEqualTo("5");
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE user_id <> 'alice'")).isEqualTo("0");
            assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("0");
            assertThat(phone.packages()).singleElement().satisfies(p -> {
                assertThat(p.id()).isEqualTo(g.manifest().id());
                assertThat(p.type()).isEqualTo("notes");
                assertThat(p.source()).isEqualTo(PackageSource.IMPORT);
                assertThat(p.size()).isEqualTo(g.size());
            });

            f.server("UPDATE notes SET title = 'changed after the cut' WHERE title = 'note 1'");
            SyncReport next = phone.sync(alice);

            assertThat(next.bootstrap()).isFalse();
            assertThat(next.pulled()).isEqualTo(1); // the change after the cut, nothing the package held
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE title = 'changed after the cut'")).isEqualTo("1");
        }
    }

    @Test
    void aChangeFromATransactionRunningDuringTheCutReachesTheClientLater() throws Exception {
        f.notes(ALICE, 2);
        try (Connection writer = pg.connect(); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.execute("INSERT INTO notes (id, user_id, title) VALUES (gen_random_uuid(), 'alice', 'in flight')");
            PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
            writer.commit();
            try (SyncClient phone = f.notesClient("phone"); InProcessTransport alice = f.transport(ALICE)) {
                ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));
                assertThat(result.written()).containsEntry("notes", 2L);
                assertThat(result.cursorMoved()).isTrue();

                phone.sync(alice);

                assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE title = 'in flight'")).isEqualTo("1");
                assertThat(scalar(phone, "SELECT count(*) FROM notes")).isEqualTo("3");
            }
        }
    }

    @Test
    void aBootstrapInProgressGivesWayToTheWatermark() throws Exception {
        f.notes(ALICE, 2);
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        try (SyncClient phone = f.notesClient("phone")) {
            exec(phone, "UPDATE sync_state SET cursor = 'b1.1.0.'"); // as a bootstrap cut short leaves it

            ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.cursorMoved()).isTrue();
            assertThat(phone.status().cursor()).isEqualTo(g.manifest().watermark());
        }
    }

    @Test
    void aRowWithAPendingLocalEditKeepsTheEdit() throws Exception {
        f.notes(ALICE, 2);
        try (SyncClient phone = f.notesClient("phone"); InProcessTransport alice = f.transport(ALICE)) {
            phone.sync(alice);
            exec(phone, "UPDATE notes SET title = 'mine' WHERE title = 'note 1'");
            f.server("UPDATE notes SET title = 'theirs', body = 'b' WHERE title = 'note 1'");
            PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");

            ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.keptLocal()).isEqualTo(1);
            assertThat(scalar(phone, "SELECT title || '/' || sync_status FROM notes WHERE title = 'mine'"))
                    .isEqualTo("mine/pending_upload");
            assertThat(scalar(phone, "SELECT count(*) FROM sync_queue")).isEqualTo("1");
        }
    }

    @Test
    void aPackageOlderThanWhatTheClientPulledChangesNoRowAndLeavesTheCursor() throws Exception {
        f.notes(ALICE, 2);
        PackageGeneration old = f.cut(alicesNotes(), "old.mpkg");
        f.server("UPDATE notes SET title = 'newer' WHERE title = 'note 1'");
        try (SyncClient phone = f.notesClient("phone"); InProcessTransport alice = f.transport(ALICE)) {
            phone.sync(alice);
            String cursor = phone.status().cursor();

            ImportResult result = phone.importPackage(old.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.rowsWritten()).isZero();
            assertThat(result.alreadyNewer()).isEqualTo(2);
            assertThat(result.cursorMoved()).isFalse();
            assertThat(result.cursorNote()).contains("synced past");
            assertThat(phone.status().cursor()).isEqualTo(cursor);
            assertThat(scalar(phone, "SELECT count(*) FROM notes WHERE title = 'newer'")).isEqualTo("1");
        }
    }

    @Test
    void aRowDeletedOnTheServerAfterTheClientsLastSyncIsDeletedByTheImport() throws Exception {
        f.notes(ALICE, 3);
        try (SyncClient phone = f.notesClient("phone"); InProcessTransport alice = f.transport(ALICE)) {
            phone.sync(alice);
            f.server("UPDATE notes SET deleted_at = now() WHERE title = 'note 1'",
                    "DELETE FROM notes WHERE title = 'note 2'");
            PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");

            ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.cursorMoved()).isTrue();
            assertThat(scalar(phone, "SELECT group_concat(title) FROM (SELECT title FROM notes"
                    + " WHERE deleted_at IS NULL ORDER BY title)")).isEqualTo("note 3");
            assertThat(phone.sync(alice).pulled()).isZero();
        }
    }

    @Test
    void theCursorStaysWhenThePackageDoesNotCoverEverythingTheClientSyncs() throws Exception {
        f.notes(ALICE, 2);
        PackageGeneration filtered = f.cut(alicesNotes().withWhere("user_id = 'alice'"), "filtered.mpkg");
        PackageGeneration notesOnly = f.cut(alicesNotes().withTables(List.of("notes")), "only.mpkg");
        PackageGeneration whole = f.cut(alicesNotes(), "whole.mpkg");
        try (SyncClient a = f.notesClient("a"); SyncClient b = f.notesClient("b"); SyncClient c = f.notesClient("c");
             SyncClient d = f.notesClient("d")) {
            assertThat(a.importPackage(filtered.file(), PackageImport.fromFile().withUser(ALICE)).cursorNote())
                    .contains("filter");
            assertThat(b.importPackage(notesOnly.file(), PackageImport.fromFile().withUser(ALICE)).cursorNote())
                    .contains("does not hold tags");
            ImportResult unnamed = c.importPackage(whole.file(), PackageImport.fromFile());
            assertThat(unnamed.cursorNote()).contains("user alice");
            assertThat(unnamed.written()).containsEntry("notes", 2L);
            assertThat(c.status().cursor()).isNull();
            assertThat(d.importPackage(whole.file(), PackageImport.fromFile().withUser(ALICE)).cursorMoved()).isTrue();
        }
    }

    @Test
    void anOlderVersionOfATypeIsRefusedAndChangesNothing() throws Exception {
        f.notes(ALICE, 1);
        PackageGeneration first = f.cut(alicesNotes(), "v1.mpkg");
        f.notes(ALICE, 1);
        PackageGeneration second = f.cut(alicesNotes(), "v2.mpkg");
        assertThat(second.manifest().version()).isGreaterThan(first.manifest().version());
        try (SyncClient phone = f.notesClient("phone")) {
            phone.importPackage(second.file(), PackageImport.fromFile().withUser(ALICE));
            List<String> before = PackageFixture.everything(phone);

            assertThatThrownBy(() -> phone.importPackage(first.file(), PackageImport.fromFile().withUser(ALICE)))
                    .isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_REFUSED);
                        assertThat(e.getMessage()).contains("version " + first.manifest().version())
                                .contains("not newer than version " + second.manifest().version());
                    });
            assertThat(PackageFixture.everything(phone)).isEqualTo(before);
        }
    }

    @Test
    void aPackageForANewerClientSchemaIsRefusedAndOneForThisSchemaIsTaken() throws Exception {
        f.notes(ALICE, 1);
        PackageGeneration newer = f.cut(alicesNotes().withClientSchemaVersion("20270101000000"), "newer.mpkg");
        PackageGeneration same = f.cut(alicesNotes().withClientSchemaVersion(PackageFixture.CLIENT_VERSION), "same.mpkg");
        try (SyncClient phone = f.notesClient("phone")) {
            List<String> before = PackageFixture.everything(phone);
            assertThatThrownBy(() -> phone.importPackage(newer.file(), PackageImport.fromFile()))
                    .isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_REFUSED);
                        assertThat(e.getMessage()).contains("client schema version 20270101000000")
                                .contains("at " + PackageFixture.CLIENT_VERSION);
                    });
            assertThat(PackageFixture.everything(phone)).isEqualTo(before);

            assertThat(phone.importPackage(same.file(), PackageImport.fromFile()).written()).containsEntry("notes", 1L);
        }
    }

    @Test
    void aDamagedOrTruncatedFileIsRefusedBeforeTheDatabaseIsTouched() throws Exception {
        f.notes(ALICE, 20);
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        byte[] good = Files.readAllBytes(g.file());
        Path inData = damaged("in-data.mpkg", good, good.length - 100);
        Path inManifest = damaged("in-manifest.mpkg", good, 60);
        Path truncated = dir.resolve("truncated.mpkg");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        try (SyncClient phone = f.notesClient("phone")) {
            Path db = dir.resolve("phone.db");
            byte[] before = Files.readAllBytes(db);
            List<String> rowsBefore = PackageFixture.everything(phone);
            for (Path bad : List.of(inData, inManifest, truncated)) {
                assertThatThrownBy(() -> phone.importPackage(bad, PackageImport.fromFile().withUser(ALICE)))
                        .as(bad.toString())
                        .isInstanceOfSatisfying(MooringException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_CORRUPT);
                            assertThat(e.getMessage()).contains(bad.toString());
                        });
            }
            assertThat(Files.readAllBytes(db)).isEqualTo(before);
            assertThat(PackageFixture.everything(phone)).isEqualTo(rowsBefore); // the write-ahead log too
            assertThat(phone.packages()).isEmpty();
            assertThat(Files.exists(dir.resolve("phone.db.packages"))).isFalse();
        }
    }

    /** A copy of {@code bytes} with the byte at {@code at} flipped. */
    private Path damaged(String name, byte[] bytes, int at) throws Exception {
        byte[] copy = bytes.clone();
        copy[at] ^= 0x5a;
        return Files.write(dir.resolve(name), copy);
    }

    @Test
    void aPackageWithATableTheClientDoesNotSyncIsRefused() throws Exception {
        f.notes(ALICE, 1);
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        try (SyncClient phone = f.client("phone", PackageFixture.CLIENT_SCHEMA, "notes")) {
            List<String> before = PackageFixture.everything(phone);
            assertThatThrownBy(() -> phone.importPackage(g.file(), PackageImport.fromFile()))
                    .isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_REFUSED);
                        assertThat(e.getMessage()).contains("holds tags, which this database does not sync");
                    });
            assertThat(PackageFixture.everything(phone)).isEqualTo(before);
        }
    }

    @Test
    void aPackageForAnotherUserThanTheOneNamedIsRefused() throws Exception {
        f.notes(ALICE, 1);
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        try (SyncClient phone = f.notesClient("phone")) {
            assertThatThrownBy(() -> phone.importPackage(g.file(), PackageImport.fromFile().withUser("bob")))
                    .isInstanceOfSatisfying(MooringException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.PACKAGE_REFUSED);
                        assertThat(e.getMessage()).contains("rows of user alice").contains("syncs as bob");
                    });
            assertThat(scalar(phone, "SELECT count(*) FROM notes")).isEqualTo("0");
        }
    }

    @Test
    void columnsTheClientLacksAreLeftOutAndReported() throws Exception {
        f.server("INSERT INTO notes (id, user_id, title, body) VALUES (gen_random_uuid(), 'alice', 't', 'b')");
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        String narrow = PackageFixture.CLIENT_SCHEMA.replace("title TEXT, body TEXT", "title TEXT");
        try (SyncClient phone = f.client("phone", narrow, "notes", "tags")) {
            ImportResult result = phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));

            assertThat(result.droppedColumns()).containsOnlyKeys("notes").containsEntry("notes", List.of("body"));
            assertThat(scalar(phone, "SELECT title FROM notes")).isEqualTo("t");
        }
    }

    @Test
    void aPackageExportedByOneClientIsImportedByAnotherAsAShare() throws Exception {
        f.notes(ALICE, 3);
        PackageGeneration g = f.cut(alicesNotes(), "notes.mpkg");
        try (SyncClient phone = f.notesClient("phone"); SyncClient tablet = f.notesClient("tablet")) {
            phone.importPackage(g.file(), PackageImport.fromFile().withUser(ALICE));
            exec(phone, "UPDATE notes SET title = 'local edit' WHERE title = 'note 1'");
            Path handed = dir.resolve("handed.mpkg");

            LocalPackage exported = phone.exportPackage("notes", handed);
            ImportResult result = tablet.importPackage(handed, PackageImport.shared().withUser(ALICE));

            assertThat(exported.id()).isEqualTo(g.manifest().id());
            assertThat(result.manifest()).isEqualTo(g.manifest());
            assertThat(result.written()).containsEntry("notes", 3L);
            assertThat(result.cursorMoved()).isTrue();
            // the very package the server cut: a local edit on the phone does not travel with it
            assertThat(scalar(tablet, "SELECT count(*) FROM notes WHERE title = 'local edit'")).isEqualTo("0");
            assertThat(tablet.packages()).singleElement()
                    .satisfies(p -> assertThat(p.source()).isEqualTo(PackageSource.SHARE));
            assertThat(CursorPosition.parse(tablet.status().cursor())).isEqualTo(
                    CursorPosition.parse(g.manifest().watermark()));
        }
    }
}
