package dev.mooring.backup;

import dev.mooring.backup.internal.ManifestStore;
import dev.mooring.core.ErrorCode;
import dev.mooring.core.MooringException;
import dev.mooring.embedded.EmbeddedPostgresServer;
import dev.mooring.migrate.MigrationConfig;
import dev.mooring.migrate.Migrator;
import dev.mooring.testing.PostgresDatabaseExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backup, restore and verify of PostgreSQL through the public API, on the example application's schema. */
class PostgresBackupTest {
    @RegisterExtension
    static PostgresDatabaseExtension pg = PostgresDatabaseExtension.perMethod();

    @TempDir
    Path dumps;

    BackupConfig config() {
        return BackupConfig.defaults().withDir(dumps).withEnvironment(SqliteBackupTest.ENV);
    }

    void fill(DataSource ds) throws SQLException {
        Migrator.create(ds, MigrationConfig.of("classpath:db/pg-fixture")).migrate();
        execute(ds, "INSERT INTO items (name, price, tags) SELECT 'item ' || g, g * 1.5, ARRAY['a', 'b\tc']"
                + " FROM generate_series(1, 300) g");
        execute(ds, "INSERT INTO item_notes (item_id, note) SELECT id, 'note for ' || name FROM items WHERE id % 3 = 0");
    }

    ScratchServer scratch() {
        return scratchOn(pg.server());
    }

    /** Scratch databases on {@code server}, created and dropped per verification. */
    static ScratchServer scratchOn(EmbeddedPostgresServer server) {
        return new ScratchServer() {
            @Override
            public DataSource createDatabase(String name) {
                server.createDatabaseIfMissing(name);
                return server.dataSource(name);
            }

            @Override
            public void dropDatabase(String name) {
                server.dropDatabase(name);
            }
        };
    }

    @Test
    void encryptedBackupVerifiesByRestoringAndRecordsItInTheManifest() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config().withEncrypt(true).withJobs(2)).backup();
        Path file = dumps.resolve(m.file());

        assertThat(m.schemaVersion()).isEqualTo("2");
        assertThat(m.serverVersion()).startsWith("18");
        assertThat(m.source()).doesNotContain("password=");
        assertThat(m.tables()).extracting(TableSummary::table).contains("public.items", "public.item_notes");

        VerifyResult v = Backups.verify(file, true, scratch(), config());

        assertThat(v.problems()).isEmpty();
        assertThat(v.restored()).isTrue();
        assertThat(ManifestStore.read(file).orElseThrow().verification().passed()).isTrue();
    }

    @Test
    void verifyRestoresAsARoleWithoutSuperuserRightsForWhichTheBackupsExtensionsAreInstalled() throws Exception {
        fill(pg.dataSource());
        // pg_buffercache needs a superuser to install; the restoring role is not one.
        execute(pg.dataSource(), "CREATE SCHEMA ext; CREATE EXTENSION pg_buffercache WITH SCHEMA ext;"
                + " CREATE VIEW ext.pages AS SELECT count(*) AS n FROM ext.pg_buffercache");
        BackupManifest m = Backups.create(pg.url(), config()).backup();

        VerifyResult v = Backups.verify(dumps.resolve(m.file()), true, scratch(), config());

        assertThat(v.problems()).isEmpty();
        assertThat(v.checks()).anyMatch(c -> c.startsWith("restored into a scratch database"));
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'mooring\\_restore\\_%'"))
                .isZero();
    }

    @Test
    void restoreIntoAnEmptyDatabaseReportsTablesRowsAndSchemaVersion() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config()).backup();
        String target = pg.databaseName() + "_copy";
        pg.server().createDatabaseIfMissing(target);
        try {
            RestoreResult r = Backups.create(pg.server().url(target), config()).restore(dumps.resolve(m.file()),
                    RestoreOptions.defaults());

            assertThat(r.schemaVersion()).isEqualTo("2");
            assertThat(r.tables()).filteredOn(t -> t.table().equals("public.items")).singleElement()
                    .extracting(TableSummary::rows).isEqualTo(300L);
            assertThat(count(pg.server().dataSource(target), "SELECT count(*) FROM item_notes")).isEqualTo(100);
            // the sequence continues where the source's was
            execute(pg.server().dataSource(target), "INSERT INTO items (name, price) VALUES ('next', 1)");
            assertThat(count(pg.server().dataSource(target), "SELECT max(id) FROM items")).isEqualTo(301);
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void cleanRestoreThatFailsHalfwayLeavesTheOldDataIntact() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config().withCompression(Compression.NONE)).backup();
        // A damaged copy without a manifest: the data restores, then a statement after it fails. (The statement is one
        // the engine writes, in the place it writes it: anything else is refused before the restore starts.)
        Path damaged = dumps.resolve("damaged.sql");
        String script = Files.readString(dumps.resolve(m.file()), StandardCharsets.UTF_8);
        int end = script.indexOf("-- constraint ");
        Files.writeString(damaged, script.substring(0, end)
                + "ALTER TABLE ONLY public.items ADD CONSTRAINT every_tag_once UNIQUE (tags);\n" + script.substring(end));
        execute(pg.dataSource(), "DELETE FROM item_notes");
        execute(pg.dataSource(), "DELETE FROM items WHERE id > 10");
        execute(pg.dataSource(), "CREATE TABLE added_later (x int)");

        assertThatThrownBy(() -> Backups.create(pg.url(), config()).restore(damaged, RestoreOptions.defaults().withClean(true)))
                .isInstanceOf(MooringException.class).hasMessageContaining("every_tag_once")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.RESTORE_FAILED);
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM items")).isEqualTo(10);
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM added_later")).isZero();
    }

    @Test
    void cleanRestoreReplacesTheSchemas() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config()).backup();
        execute(pg.dataSource(), "DELETE FROM item_notes");
        execute(pg.dataSource(), "CREATE TABLE added_later (x int)");

        RestoreResult r = Backups.create(pg.url(), config()).restore(dumps.resolve(m.file()), RestoreOptions.defaults().withClean(true));

        assertThat(r.totalRows()).isEqualTo(m.totalRows());
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM item_notes")).isEqualTo(100);
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM pg_tables WHERE tablename = 'added_later'")).isZero();
    }

    @Test
    void restoreIntoANonEmptyDatabaseWithoutCleanChangesNothingAndSaysWhy() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config()).backup();
        execute(pg.dataSource(), "DELETE FROM item_notes");

        assertThatThrownBy(() -> Backups.create(pg.url(), config()).restore(dumps.resolve(m.file()), RestoreOptions.defaults()))
                .hasMessageContaining("already exists").hasMessageContaining("--clean");
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM item_notes")).isZero();
    }

    @Test
    void aTamperedBackupIsRefusedBeforeAnythingIsRestored() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config()).backup();
        Path file = dumps.resolve(m.file());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        String target = pg.databaseName() + "_t";
        pg.server().createDatabaseIfMissing(target);
        try {
            assertThatThrownBy(() -> Backups.create(pg.server().url(target), config()).restore(file, RestoreOptions.defaults()))
                    .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_CORRUPT);
            assertThat(count(pg.server().dataSource(target),
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isZero();
            VerifyResult v = Backups.verify(file, false, null, config());
            assertThat(v.passed()).isFalse();
            assertThat(v.problems()).anyMatch(p -> p.contains("SHA-256"));
            assertThat(ManifestStore.read(file).orElseThrow().verification().passed()).isFalse();
        } finally {
            pg.server().dropDatabase(target);
        }
    }

    @Test
    void verifyReadsTheScriptToItsEndAndFindsATruncationEvenWithoutAManifest() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config().withCompression(Compression.NONE)).backup();
        Path file = dumps.resolve(m.file());
        VerifyResult good = Backups.verify(file, false, null, config());
        assertThat(good.problems()).isEmpty();
        assertThat(good.checks()).anyMatch(c -> c.contains("row counts match"));

        Files.delete(ManifestStore.pathOf(file));
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
        VerifyResult cut = Backups.verify(file, false, null, config());

        assertThat(cut.passed()).isFalse();
        assertThat(cut.problems()).anyMatch(p -> p.contains("truncated"));
        assertThat(cut.problems()).anyMatch(p -> p.contains("no manifest"));
    }

    @Test
    void aBackupThatFailsWhileCopyingRowsStopsWithThatFailureAndLeavesNoFile() throws Exception {
        fill(pg.dataSource());
        execute(pg.dataSource(), "INSERT INTO items (name, price) SELECT 'more ' || g, g FROM generate_series(1, 20000) g");
        // a failure in the middle of a table's COPY, as a backup store that stops taking bytes causes one
        BackupProgress failing = new BackupProgress() {
            @Override
            public void advanced(long rows, long bytes) {
                throw new IllegalStateException("stopped while copying");
            }
        };

        assertThatThrownBy(() -> Backups.create(pg.url(), config()).withProgress(failing).backup())
                .hasMessageContaining("stopped while copying");
        assertThat(dumps).isEmptyDirectory();
    }

    @Test
    void pgDumpOlderThanTheServerIsAClearErrorNamingTheVersionNeeded() throws IOException {
        Path fake = dumps.resolve("pg_dump");
        Files.writeString(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)'\n");
        fake.toFile().setExecutable(true);
        Map<String, String> env = new HashMap<>(SqliteBackupTest.ENV);
        env.put("MOORING_PG_DUMP", fake.toString());

        assertThatThrownBy(() -> Backups.create(pg.url(), config().withEngine(BackupEngine.PG_DUMP).withEnvironment(env)).backup())
                .hasMessageContaining("version 15.18").hasMessageContaining("Install pg_dump 18 or newer")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.EXTERNAL_TOOL);
        try (var files = Files.list(dumps)) {
            assertThat(files.filter(p -> !p.equals(fake))).isEmpty();
        }
    }

    @Test
    void pgDumpMissingFromPathIsAClearError() {
        Map<String, String> env = Map.of("PATH", dumps.toString());
        assertThatThrownBy(() -> Backups.create(pg.url(), config().withEngine(BackupEngine.PG_DUMP).withEnvironment(env)).backup())
                .hasMessageContaining("none is on PATH").hasMessageContaining("built-in engine");
    }

    @Test
    void encryptingWithoutAPassphraseFailsBeforeWritingAnything() {
        assertThatThrownBy(() -> Backups.create(pg.url(), config().withEncrypt(true).withEnvironment(Map.of())).backup())
                .hasMessageContaining("MOORING_BACKUP_PASSPHRASE")
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
        assertThat(dumps).isEmptyDirectory();
    }

    @Test
    void aWrongPassphraseIsAClearError() throws Exception {
        fill(pg.dataSource());
        BackupManifest m = Backups.create(pg.url(), config().withEncrypt(true)).backup();
        BackupConfig wrong = config().withEnvironment(Map.of(BackupConfig.PASSPHRASE_VARIABLE, "not the passphrase"));

        assertThatThrownBy(() -> Backups.create(pg.url(), wrong).restore(dumps.resolve(m.file()), RestoreOptions.defaults().withClean(true)))
                .extracting(e -> ((MooringException) e).code()).isEqualTo(ErrorCode.BACKUP_PASSPHRASE);
        assertThat(count(pg.dataSource(), "SELECT count(*) FROM items")).isEqualTo(300);
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
