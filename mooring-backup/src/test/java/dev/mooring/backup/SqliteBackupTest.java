package dev.mooring.backup;

import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.backup.internal.sqlite.SqliteTables;
import dev.mooring.core.DatabaseUrl;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.testing.SqliteDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteBackupTest {
    static final Map<String, String> ENV = Map.of(BackupConfig.PASSPHRASE_VARIABLE, "correct horse battery staple");

    @RegisterExtension
    SqliteDatabaseExtension sqlite = new SqliteDatabaseExtension();

    Path dumps() {
        return sqlite.folder().resolve("dumps");
    }

    BackupConfig config() {
        return BackupConfig.defaults().withDir(dumps()).withEnvironment(ENV);
    }

    @ParameterizedTest(name = "{0}, encrypted={1}")
    @CsvSource({"none,false", "gzip,false", "zstd,false", "none,true", "zstd,true"})
    void backupRestoresToIdenticalSchemaAndData(String compression, boolean encrypt) throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupConfig config = config().withCompression(Compression.parse(compression)).withEncrypt(encrypt);
        BackupManifest manifest = Backups.create(sqlite.url(), config).backup();

        assertThat(manifest.dialect()).isEqualTo("sqlite");
        assertThat(manifest.schemaVersion()).isEqualTo("2");
        assertThat(manifest.tables()).extracting(TableSummary::table)
                .contains("notes", "tags", "counters", "kv", "docs", "schema_version");
        assertThat(manifest.tables()).filteredOn(t -> t.table().equals("notes")).singleElement()
                .extracting(TableSummary::rows).isEqualTo((long) SqliteFixture.NOTES);
        assertThat(manifest.encrypted()).isEqualTo(encrypt);
        Path file = dumps().resolve(manifest.file());
        assertThat(file.getFileName().toString()).startsWith("test_").contains(".sqlite");

        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("restored.db").toString());
        RestoreResult result = Backups.create(restored, config).restore(file, RestoreOptions.defaults());

        assertThat(result.schemaVersion()).isEqualTo("2");
        assertThat(result.totalRows()).isEqualTo(manifest.totalRows());
        assertThat(schema(restored)).isEqualTo(schema(sqlite.url()));
        assertThat(summaries(restored)).isEqualTo(summaries(sqlite.url()));
        assertThat(scalar(restored, "PRAGMA user_version")).isEqualTo("7");
        assertThat(scalar(restored, "SELECT seq FROM sqlite_sequence WHERE name = 'counters'"))
                .isEqualTo(scalar(sqlite.url(), "SELECT seq FROM sqlite_sequence WHERE name = 'counters'"));
        assertThat(scalar(restored, "SELECT group_concat(rowid) FROM kv"))
                .isEqualTo(scalar(sqlite.url(), "SELECT group_concat(rowid) FROM kv"));
        // The trigger came back and works: it fires on new writes, not during the restore.
        execute(restored, "UPDATE notes SET body = 'changed' WHERE id = 1");
        assertThat(scalar(restored, "SELECT count(*) FROM note_audit")).isEqualTo(
                String.valueOf(Long.parseLong(scalar(sqlite.url(), "SELECT count(*) FROM note_audit")) + 1));
        assertThat(scalar(restored, "SELECT count(*) FROM docs WHERE docs MATCH 'lighthouse'")).isEqualTo("1");
    }

    @Test
    void rowCountsAreRecordedAtBackupAndChecksumsAtTheFirstVerification() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config().withCompression(Compression.NONE)).backup();
        Path file = dumps().resolve(m.file());
        List<TableSummary> source = summaries(sqlite.url());

        assertThat(m.tables()).extracting(TableSummary::table, TableSummary::rows)
                .containsExactlyElementsOf(source.stream().map(t -> org.assertj.core.groups.Tuple.tuple(t.table(), t.rows()))
                        .toList());
        assertThat(m.checksumsPending()).isTrue();
        assertThat(ManifestStore.read(file).orElseThrow().tables()).allMatch(t -> t.checksum() == null);

        VerifyResult first = Backups.verify(file, false, null, config());

        assertThat(first.passed()).as(first.problems().toString()).isTrue();
        assertThat(first.checks()).contains("content checksums computed from the backup file and recorded in the manifest");
        assertThat(ManifestStore.read(file).orElseThrow().tables()).isEqualTo(source);

        // From now on the recorded checksums are what the file is held to: a backup whose rows were changed, even
        // with the manifest's SHA-256 forged to match, is caught row for row.
        Path copy = sqlite.folder().resolve("edited.db");
        Files.copy(file, copy);
        execute(DatabaseUrl.parse(copy.toString()), "UPDATE notes SET body = 'forged' WHERE id = 3");
        Files.copy(copy, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        BackupManifest recorded = ManifestStore.read(file).orElseThrow();
        ManifestStore.write(file, new BackupManifest(recorded.format(), recorded.file(), recorded.database(),
                recorded.source(), recorded.dialect(), recorded.serverVersion(), recorded.schemaVersion(),
                recorded.engine(), recorded.startedAt(), recorded.durationMs(), recorded.compression(),
                recorded.encryption(), recorded.contentBytes(), Files.size(file),
                dev.mooring.backup.internal.file.FileDigest.sha256(file), recorded.schemas(), recorded.tables(),
                recorded.mooringVersion(), recorded.verification()));

        VerifyResult second = Backups.verify(file, true, null, config());

        assertThat(second.passed()).isFalse();
        assertThat(second.problems()).anyMatch(p -> p.contains("table notes has the right row count but different content"));
        assertThat(ManifestStore.read(file).orElseThrow().tables()).isEqualTo(source);
    }

    @Test
    void verifyWithRestoreRecordsTheChecksumsItComparedTheRestoreWith() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        Path file = dumps().resolve(m.file());

        VerifyResult v = Backups.verify(file, true, null, config());

        assertThat(v.passed()).as(v.problems().toString()).isTrue();
        assertThat(v.manifest().tables()).isEqualTo(summaries(sqlite.url()));
        assertThat(v.manifest().verification().restored()).isTrue();
    }

    @Test
    void backupFilesAndManifestsAreOwnerOnly() throws Exception {
        SqliteFixture.create(sqlite.url());
        for (Compression c : Compression.values()) {
            BackupManifest m = Backups.create(sqlite.url(), config().withCompression(c)).backup();
            Path file = dumps().resolve(m.file());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ManifestStore.pathOf(file))))
                    .isEqualTo("rw-------");
        }
        try (var files = Files.list(dumps())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".mooring"));
        }
    }

    @Test
    void backupTakenWhileAnotherConnectionWritesIsOneSnapshot() throws Exception {
        execute(sqlite.url(), "PRAGMA journal_mode = WAL");
        execute(sqlite.url(), "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT)");
        execute(sqlite.url(), "CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)");
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (Connection c = sqlite.connect(); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                c.setAutoCommit(false);
                while (!stop.get()) {
                    s.execute("INSERT INTO a (v) VALUES (hex(randomblob(200)))");
                    s.execute("INSERT INTO b (v) VALUES (hex(randomblob(200)))");
                    c.commit();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        try {
            Thread.sleep(200);
            List<BackupManifest> manifests = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                manifests.add(Backups.create(sqlite.url(), config().withCompression(Compression.NONE)).backup());
            }
            for (BackupManifest m : manifests) {
                long a = m.tables().stream().filter(t -> t.table().equals("a")).findFirst().orElseThrow().rows();
                long b = m.tables().stream().filter(t -> t.table().equals("b")).findFirst().orElseThrow().rows();
                assertThat(a).isPositive().isEqualTo(b);
                assertThat(Backups.verify(dumps().resolve(m.file()), false, null, config()).passed()).isTrue();
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test
    void restoreIntoANonEmptyDatabaseWithoutCleanChangesNothing() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 10");
        List<TableSummary> before = summaries(sqlite.url());

        assertThatThrownBy(() -> Backups.create(sqlite.url(), config()).restore(dumps().resolve(m.file()), RestoreOptions.defaults()))
                .isInstanceOf(MooringException.class)
                .hasMessageContaining("not empty").hasMessageContaining("--clean")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(summaries(sqlite.url())).isEqualTo(before);
    }

    @Test
    void cleanRestoreReplacesEveryTable() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        List<TableSummary> atBackup = summaries(sqlite.url());
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 10");
        execute(sqlite.url(), "CREATE TABLE added_later (x INTEGER)");
        execute(sqlite.url(), "CREATE VIEW later_view AS SELECT * FROM added_later");

        RestoreResult r = Backups.create(sqlite.url(), config()).restore(dumps().resolve(m.file()),
                RestoreOptions.defaults().withClean(true));

        assertThat(r.clean()).isTrue();
        assertThat(summaries(sqlite.url())).isEqualTo(atBackup);
        assertThat(scalar(sqlite.url(), "SELECT count(*) FROM sqlite_schema WHERE name IN ('added_later', 'later_view')"))
                .isEqualTo("0");
    }

    @Test
    void cleanRestoreThatFailsHalfwayLeavesTheOldDataIntact() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 10");
        execute(sqlite.url(), "CREATE TABLE added_later (x INTEGER)");
        List<TableSummary> before = summaries(sqlite.url());
        String schemaBefore = schema(sqlite.url());
        BackupProgress failAfterFirstTable = new BackupProgress() {
            @Override
            public void tableDone(TableSummary table) {
                throw new IllegalStateException("injected failure after restoring " + table.table());
            }
        };

        assertThatThrownBy(() -> Backups.create(sqlite.url(), config()).withProgress(failAfterFirstTable)
                .restore(dumps().resolve(m.file()), RestoreOptions.defaults().withClean(true)))
                .hasMessageContaining("injected failure");
        assertThat(summaries(sqlite.url())).isEqualTo(before);
        assertThat(schema(sqlite.url())).isEqualTo(schemaBefore);
    }

    @Test
    void restoreWithoutAFileTakesTheNewestBackup() throws Exception {
        SqliteFixture.create(sqlite.url());
        Backups.create(sqlite.url(), config()).backup();
        execute(sqlite.url(), "DELETE FROM tags WHERE note_id > 10");
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 10");
        BackupManifest newest = Backups.create(sqlite.url(), config()).backup();
        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("r.db").toString());

        RestoreResult r = Backups.create(restored, config()).restore(null, RestoreOptions.defaults());

        assertThat(r.file().getFileName().toString()).isEqualTo(newest.file());
        assertThat(scalar(restored, "SELECT count(*) FROM notes")).isEqualTo("10");
    }

    @Test
    void restoreWithoutAFileNeverPicksABackupWhoseManifestIsMissing() throws Exception {
        SqliteFixture.create(sqlite.url());
        execute(sqlite.url(), "DELETE FROM tags WHERE note_id > 10");
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 10");
        BackupManifest complete = Backups.create(sqlite.url(), config()).backup();
        execute(sqlite.url(), "DELETE FROM tags WHERE note_id > 5");
        execute(sqlite.url(), "DELETE FROM notes WHERE id > 5");
        BackupManifest interrupted = Backups.create(sqlite.url(), config()).backup();
        // what an upload cut off between the backup and its manifest leaves: the manifest is written last
        Files.delete(ManifestStore.pathOf(dumps().resolve(interrupted.file())));
        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("r.db").toString());

        RestoreResult r = Backups.create(restored, config()).restore(null, RestoreOptions.defaults());

        assertThat(r.file().getFileName().toString()).isEqualTo(complete.file());
        assertThat(scalar(restored, "SELECT count(*) FROM notes")).isEqualTo("10");
    }

    @Test
    void verifyReportsForeignKeyViolationsThatRestoreFaithfullyKeeps() throws Exception {
        SqliteFixture.create(sqlite.url());
        execute(sqlite.url(), "DELETE FROM notes WHERE id IN (2, 4)"); // foreign keys are off: tags now dangle
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        Path file = dumps().resolve(m.file());

        VerifyResult v = Backups.verify(file, true, null, config());

        assertThat(v.passed()).isFalse();
        assertThat(v.problems()).contains("foreign_key_check: 2 row(s) of tags reference missing rows of notes");
        assertThat(ManifestStore.read(file).orElseThrow().verification().passed()).isFalse();
        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("r.db").toString());
        Backups.create(restored, config()).restore(file, RestoreOptions.defaults());
        assertThat(summaries(restored)).isEqualTo(summaries(sqlite.url()));
    }

    @Test
    void aBackupWithAFlippedBitOrCutShortIsReportedAndNeverRestored() throws Exception {
        SqliteFixture.create(sqlite.url());
        for (boolean encrypt : new boolean[]{false, true}) {
            BackupManifest m = Backups.create(sqlite.url(), config().withEncrypt(encrypt)).backup();
            Path file = dumps().resolve(m.file());
            byte[] good = Files.readAllBytes(file);
            byte[] flipped = good.clone();
            flipped[good.length / 3] ^= 0x10;
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 100);
            for (byte[] bad : List.of(flipped, truncated)) {
                Files.write(file, bad);
                VerifyResult v = Backups.verify(file, true, null, config());
                assertThat(v.passed()).isFalse();
                assertThat(v.problems()).anyMatch(p -> p.contains("SHA-256"));
                DatabaseUrl target = DatabaseUrl.parse(sqlite.folder().resolve("t" + encrypt + bad.length + ".db").toString());
                assertThatThrownBy(() -> Backups.create(target, config()).restore(file, RestoreOptions.defaults()))
                        .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
                // Without the manifest the damage is still caught, by the compression or the encryption layer.
                Path manifest = ManifestStore.pathOf(file);
                Path aside = manifest.resolveSibling("aside.json");
                Files.move(manifest, aside);
                assertThatThrownBy(() -> Backups.create(target, config()).restore(file, RestoreOptions.defaults()))
                        .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
                Files.move(aside, manifest);
            }
            Files.write(file, good);
        }
    }

    @Test
    void restoringAFileThatDoesNotExistSaysSoBeforeAnythingElse() {
        Path missing = dumps().resolve("gone_2026-01-01T00-00-00-000Z.sql.zst");
        assertThatThrownBy(() -> Backups.create(sqlite.url(), config()).restore(missing, RestoreOptions.defaults()))
                .hasMessageContaining("There is no backup file").hasMessageContaining("gone_")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.CONFIGURATION);
        assertThat(sqlite.path()).doesNotExist();
    }

    @Test
    void aBackupFromANewerSchemaNeedsForce() throws Exception {
        SqliteFixture.create(sqlite.url());
        BackupManifest m = Backups.create(sqlite.url(), config()).backup();
        DatabaseUrl restored = DatabaseUrl.parse(sqlite.folder().resolve("r.db").toString());
        Backups target = Backups.create(restored, config());

        assertThatThrownBy(() -> target.restore(dumps().resolve(m.file()), RestoreOptions.defaults().withKnownSchemaVersion("1")))
                .hasMessageContaining("schema version 2").hasMessageContaining("--force")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.CONFIRMATION_REQUIRED);
        assertThat(Files.exists(sqlite.folder().resolve("r.db"))).isFalse();
        RestoreResult r = target.restore(dumps().resolve(m.file()), RestoreOptions.defaults().withKnownSchemaVersion("1").withForce(true));
        assertThat(r.schemaVersion()).isEqualTo("2");
    }

    static String schema(DatabaseUrl url) throws SQLException {
        return scalar(url, "SELECT group_concat(type || ' ' || name || ': ' || coalesce(sql, ''), char(10))"
                + " FROM (SELECT * FROM sqlite_schema ORDER BY type, name)");
    }

    static List<TableSummary> summaries(DatabaseUrl url) throws SQLException {
        try (Connection c = url.toDataSource().getConnection()) {
            return SqliteTables.summarize(c, "main");
        }
    }

    static String scalar(DatabaseUrl url, String sql) throws SQLException {
        try (Connection c = url.toDataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(DatabaseUrl url, String sql) throws SQLException {
        try (Connection c = url.toDataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
